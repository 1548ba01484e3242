"""Wiring events into the app: blueprints, template helpers and jobs."""

from __future__ import annotations

from flask import Flask
from huey import Huey

from campaignkit.core.events import (
    api,
    carpools,
    host,
    ical,  # noqa: F401 - adds its routes to the "events" blueprint
    moderation,
    views,
)
from campaignkit.core.events.jobs import register_event_jobs
from campaignkit.core.events.settings import event_types

#: Permissions core declares for events and flags.
EVENT_PERMISSIONS: dict[str, list[str]] = {
    "events.host": ["host", "organiser"],
    "events.publish": ["organiser", "moderator"],
    "events.moderate": ["organiser", "moderator"],
    "events.settings": ["organiser"],
    "flags.manage": [],
}


def configure(app: Flask, huey: Huey) -> None:
    """Register the events pages and API, the event-type template helper and the reminder jobs."""
    for blueprint in (views.bp, host.bp, moderation.bp, carpools.bp, api.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["event_type_label"] = lambda key: event_types().get(key, key)
    register_event_jobs(huey)
