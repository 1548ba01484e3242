"""Built-in kits: one folder each, holding kit.toml."""
