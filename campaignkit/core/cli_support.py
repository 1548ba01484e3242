"""The instance chosen on the command line, for core's and plugins' commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from campaignkit.core.app import create_app
from campaignkit.core.instance import Instance, load_instance, resolve_instance_dir


class InstanceContext:
    """The ``--instance`` folder, loaded lazily and at most once per command."""

    def __init__(self, given: str | None):
        self.path: Path = resolve_instance_dir(given)
        self._instance: Instance | None = None
        self._app: Flask | None = None

    def load(self) -> Instance:
        """The validated instance (config, kit, theme, plugins)."""
        if self._instance is None:
            self._instance = load_instance(self.path)
        return self._instance

    def app(self) -> Flask:
        """The Flask app for the instance."""
        if self._app is None:
            self._app = create_app(self.path)
        return self._app


def instance_app() -> Flask:
    """The app of the instance chosen on the command line; use it inside a plugin's command."""
    return click.get_current_context().find_object(InstanceContext).app()
