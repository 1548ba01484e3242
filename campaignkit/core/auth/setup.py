"""Wiring accounts into the app: state, Flask-Login and blueprints."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from campaignkit.core.auth import (
    admin,
    recovery,  # noqa: F401 - adds its routes to the "auth" blueprint
    views,
)
from campaignkit.core.auth.access import has_permission
from campaignkit.core.auth.accounts import load_session_user
from campaignkit.core.auth.passwords import make_hasher
from campaignkit.core.auth.roles import EXTENSION, AuthState, collect_permissions
from campaignkit.core.auth.throttle import make_throttle
from campaignkit.core.db import Database
from campaignkit.core.instance import Instance, namespace


def _no_store(response):  # noqa: ANN001, ANN202 - Flask response
    response.headers["Cache-Control"] = "no-store"
    return response


def configure(app: Flask, instance: Instance, database: Database) -> None:
    """Set up accounts on the app: hashing, permissions, throttling, sessions and pages."""
    settings = instance.config.accounts
    app.extensions[EXTENSION] = AuthState(
        settings=settings,
        hasher=make_hasher(
            settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
        ),
        permissions=collect_permissions(instance.manager),
        throttle=make_throttle(database, instance.redis_url, namespace(instance), settings),
    )
    login = LoginManager(app)
    login.user_loader(load_session_user)
    login.login_view = "auth.signin"
    app.jinja_env.globals["has_permission"] = has_permission
    for blueprint in (views.bp, admin.bp, admin.api_bp):
        app.register_blueprint(blueprint)
    for name in (views.bp.name, admin.bp.name):
        app.after_request_funcs.setdefault(name, []).append(_no_store)
