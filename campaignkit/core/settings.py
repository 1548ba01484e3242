"""Read-only access to the running instance's settings from inside a request, job or command."""

from __future__ import annotations

from flask import Flask, current_app
from flask.ctx import RequestContext
from pydantic import BaseModel

from campaignkit.core.kits import Kit
from campaignkit.core.state import current_instance


def plugin_settings(name: str) -> BaseModel:
    """The validated ``[plugins.<name>]`` settings of an enabled plugin."""
    return current_instance().plugin_settings[name]


def kit() -> Kit:
    """The instance's kit (its folder, election details and data)."""
    return current_instance().kit


def campaign_name() -> str:
    """The campaign's name as set in ``campaign.toml``."""
    return current_instance().config.campaign.name


def public_url(app: Flask | None = None) -> str:
    """The site's address as people reach it (``[server] public_url``)."""
    return current_instance(app).config.server.public_url


def public_url_context(app: Flask | None = None) -> RequestContext:
    """A request context at the public URL, so ``url_for(..., _external=True)`` gives real links.

    Use it where no request is being answered (a job, a command)::

        with public_url_context():
            link = url_for("pledges.page", slug=slug, _external=True)
    """
    app = current_app if app is None else app
    return app.test_request_context(base_url=public_url(app))
