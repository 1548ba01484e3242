"""Adapters for the platforms a blocklist is applied on (X, Mastodon, Bluesky); see ``base``."""
