"""What every command shares: plain error messages instead of tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.config import ConfigError
from campaignkit.core.registry import PluginError

__all__ = ["InstanceContext", "friendly_errors", "pass_instance"]

#: Pass the InstanceContext of the current command as the first argument.
pass_instance = click.make_pass_decorator(InstanceContext)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn configuration and plugin problems into one plain line and exit status 1."""
    try:
        yield
    except (ConfigError, PluginError) as exc:
        raise click.ClickException(str(exc)) from None
