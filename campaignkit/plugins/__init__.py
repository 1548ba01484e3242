"""Built-in plugins, registered exactly like third-party ones (see campaignkit.core.registry)."""
