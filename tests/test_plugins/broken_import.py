"""A test plugin that fails to import: enabling it must stop start-up with its name."""

import campaignkit  # noqa: F401 - a real plugin would use it

raise RuntimeError("broken_import fails on purpose")
