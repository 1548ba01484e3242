"""What every command shares: plain error messages instead of tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.config import ConfigError, nearest_hint
from campaignkit.core.registry import PluginError

__all__ = ["InstanceContext", "SuggestingChoice", "friendly_errors", "pass_instance"]

#: Pass the InstanceContext of the current command as the first argument.
pass_instance = click.make_pass_decorator(InstanceContext)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn configuration and plugin problems into one plain line and exit status 1."""
    try:
        yield
    except (ConfigError, PluginError) as exc:
        raise click.ClickException(str(exc)) from None


class SuggestingChoice(click.Choice):
    """A choice that, given a word it does not know, names the nearest one it does."""

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        """The chosen value; an unknown one fails with "did you mean ...?" when one is close."""
        if isinstance(value, str) and value not in self.choices:
            hint = nearest_hint(value, [str(choice) for choice in self.choices])
            if hint:
                choices = ", ".join(map(str, self.choices))
                self.fail(f"'{value}' is not one of {choices}{hint}.", param, ctx)
        return super().convert(value, param, ctx)
