"""The plugins each built-in kit enables, in its order: one list the core tests check against.

A new built-in plugin enabled in a kit is added here (and to that kit's ``kit.toml``).
"""

UK_PLUGINS = [
    "share",
    "marginals",
    "pledges",
    "emoji",
    "blocklists",
    "videos",
    "cascade",
    "apps",
    "phonebank",
]
US_PLUGINS = [
    "share",
    "zipcodes",
    "marginals",
    "emoji",
    "blocklists",
    "videos",
    "cascade",
    "apps",
    "phonebank",
]
