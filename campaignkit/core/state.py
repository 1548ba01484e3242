"""What ``create_app`` keeps on the Flask app, typed, and the accessors that read it.

Core reads the app's instance, database, queue, plugin manager and rate
limiter through these functions, never through ``app.extensions`` directly;
plugins use the public API in ``campaignkit.core`` (``app_store``,
``call_plugins``, ``plugin_settings``, ...).
"""

from __future__ import annotations

from typing import Any, Protocol

import pluggy
from flask import Flask, current_app
from flask_limiter import Limiter
from huey import Huey

from campaignkit.core.db import Database
from campaignkit.core.instance import Instance
from campaignkit.core.registry import call_each

#: The keys under which the app keeps its parts in ``app.extensions``.
STATE = "campaignkit"
LIMITER = "campaignkit.limiter"
STORES = "campaignkit.stores"


class AppState(Protocol):
    """The parts of a running app (``campaignkit.core.app.CampaignKit`` is the one in use)."""

    instance: Instance
    database: Database
    huey: Huey

    @property
    def manager(self) -> pluggy.PluginManager:
        """The plugin manager with core and the enabled plugins."""


def _app(app: Flask | None) -> Flask:
    return current_app if app is None else app  # type: ignore[return-value] - a proxy


def app_state(app: Flask | None = None) -> AppState:
    """The campaignkit parts of ``app`` (by default the current app)."""
    return _app(app).extensions[STATE]


def keep_app_state(app: Flask, state: AppState) -> None:
    """Keep ``state`` on ``app``; ``create_app`` calls it once."""
    app.extensions[STATE] = state


def current_instance(app: Flask | None = None) -> Instance:
    """The loaded instance (config, kit, theme, plugin settings) of the app."""
    return app_state(app).instance


def current_database(app: Flask | None = None) -> Database:
    """The database of the app."""
    return app_state(app).database


def current_manager(app: Flask | None = None) -> pluggy.PluginManager:
    """The plugin manager of the app."""
    return app_state(app).manager


def limiter(app: Flask | None = None) -> Limiter:
    """The app's rate limiter (set up by ``campaignkit.core.security``)."""
    return _app(app).extensions[LIMITER]


def keep_limiter(app: Flask, value: Limiter) -> None:
    """Keep the rate limiter on ``app``; ``campaignkit.core.security`` calls it once."""
    app.extensions[LIMITER] = value


def app_store(name: str, app: Flask | None = None) -> dict[str, Any]:
    """A dictionary kept on the app for as long as the app lives, one per ``name``.

    A plugin keeps its per-app things here (a cache, a write queue) under its
    own name; add with ``setdefault`` so concurrent requests agree on one value.
    """
    stores = _app(app).extensions.setdefault(STORES, {})
    return stores.setdefault(name, {})


def plugins_implement(hook_name: str) -> bool:
    """Whether any enabled plugin of the current app implements ``hook_name``: ask before
    building arguments that cost something (ORM objects on a hot path) for ``call_plugins``."""
    return bool(getattr(current_manager().hook, hook_name).get_hookimpls())


def call_plugins(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call a hook on every enabled plugin of the current app, isolating failures.

    For plugins that offer hooks of their own (``campaignkit_pledge_signed``):
    returns ``(plugin name, result)`` pairs; a plugin that raises is logged
    and skipped.
    """
    return call_each(current_manager(), hook_name, isolate=True, **kwargs)
