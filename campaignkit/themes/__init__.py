"""Built-in themes: one folder each, holding theme.toml, templates/ and static/."""
