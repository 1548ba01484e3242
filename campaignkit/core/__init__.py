"""The public API of campaignkit's core: what a plugin may import.

Plugins import from ``campaignkit.core`` (and ``campaignkit.hookimpl``) only,
never from its submodules and never from each other; import-linter contracts
in the test suite hold them to it.
"""

from campaignkit.core.cli_support import instance_app
from campaignkit.core.config import ConfigError
from campaignkit.core.db import Model
from campaignkit.core.jobs import JobHandle, Progress, job
from campaignkit.core.pages import NavItem
from campaignkit.core.registry import PluginError
from campaignkit.core.session import db_session, write_session
from campaignkit.core.settings import campaign_name, kit, plugin_settings
from campaignkit.core.share import ShareTarget

__all__ = [
    "ConfigError",
    "JobHandle",
    "Model",
    "NavItem",
    "PluginError",
    "Progress",
    "ShareTarget",
    "campaign_name",
    "db_session",
    "instance_app",
    "job",
    "kit",
    "plugin_settings",
    "write_session",
]
