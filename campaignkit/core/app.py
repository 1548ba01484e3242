"""``create_app``: wires an instance's pieces into a Flask app, and nothing more."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from werkzeug.middleware.proxy_fix import ProxyFix

from campaignkit.core import (
    errors,
    flags_admin,
    metrics,
    openapi,
    rendering,
    security,
    session,
    urls,
    views,
)
from campaignkit.core.auth import setup as accounts
from campaignkit.core.capabilities import log_missing_providers
from campaignkit.core.converters import install_strict_converters
from campaignkit.core.db import Database
from campaignkit.core.events import setup as events
from campaignkit.core.inputs import CleanRequest
from campaignkit.core.instance import Instance, load_instance, migration_branches
from campaignkit.core.jobs import (
    JobHandle,
    make_huey,
    queue_name,
    register_core_jobs,
    registered_jobs,
)
from campaignkit.core.migrate import Branch
from campaignkit.core.privacy import views as privacy_views
from campaignkit.core.registry import call_each, plugin_folder
from campaignkit.core.state import keep_app_state


@dataclass
class CampaignKit:
    """What the app keeps for campaignkit (read it with ``state.app_state(app)``)."""

    instance: Instance
    database: Database
    huey: Huey

    @property
    def manager(self):  # noqa: ANN201 - pluggy.PluginManager
        """The plugin manager with core and the enabled plugins."""
        return self.instance.manager

    @property
    def jobs(self) -> dict[str, JobHandle]:
        """Every job declared by core and the enabled plugins, by name."""
        return registered_jobs(self.huey)

    def branches(self) -> list[Branch]:
        """Migration branches of installed plugins plus any registered directly.

        An enabled plugin's folder comes from its ``campaignkit_migrations_dir``
        hook if it has one, else from the ``migrations/`` folder of its package.
        """
        branches = migration_branches()
        known = {branch.label for branch in branches}
        declared = dict(call_each(self.manager, "campaignkit_migrations_dir", isolate=False))
        for name in self.instance.enabled:
            if name in known:
                continue
            folder = plugin_folder(self.manager.get_plugin(name))
            if name in declared:
                branches.append(Branch(name, Path(declared[name])))
            elif folder is not None and (folder / "migrations").is_dir():
                branches.append(Branch(name, folder / "migrations"))
        return branches


def create_app(
    instance_dir: str | os.PathLike | None = None,
    *,
    environ: dict[str, str] | None = None,
    extra_plugins: Iterable[tuple[str, Any]] = (),
    testing: bool = False,
) -> Flask:
    """Build the app for an instance folder; raises ConfigError or PluginError on bad set-up."""
    instance = load_instance(instance_dir, environ, extra_plugins)
    log_missing_providers(instance.manager, instance.kit.name, instance.kit.needs, instance.path)
    app = urls.CampaignFlask("campaignkit", static_folder=None, instance_path=str(instance.path))
    urls.configure(app, instance.config.server.public_url, instance.config.server.allowed_hosts)
    app.request_class = CleanRequest  # form, args and JSON text cleaned as parsed
    app.config.update(
        SECRET_KEY=instance.config.campaign.secret_key,
        MAX_CONTENT_LENGTH=instance.config.server.max_upload_mb * 1024 * 1024,
        TESTING=testing,
    )
    huey = make_huey(
        instance.path, instance.redis_url, queue_name(instance.config.campaign.secret_key)
    )
    state = CampaignKit(instance, Database(instance.database_url), huey)
    state.huey.flask_app = app
    keep_app_state(app, state)
    install_strict_converters(app)
    rendering.configure(app, instance)
    security.configure(app, instance)
    app.register_blueprint(views.bp)
    accounts.configure(app, instance, state.database)
    app.register_blueprint(privacy_views.bp)
    for _plugin, blueprints in call_each(instance.manager, "campaignkit_blueprints", isolate=False):
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
    events.configure(app, state.huey)
    app.register_blueprint(openapi.bp)
    metrics.configure(app)
    flags_admin.configure(app)
    register_core_jobs(state.huey)
    call_each(instance.manager, "campaignkit_jobs", isolate=False, huey=state.huey)
    errors.register(app)
    app.teardown_appcontext(session.close_request_session)
    hops = instance.config.server.trusted_proxy_hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    return app
