"""Every campaignkit hook, declared once and documented here.

A plugin implements any of these with ``@campaignkit.hookimpl`` and a function
of the same name that takes only the arguments it needs. ``docs/hooks.md``
lists every hook; a test fails when one is missing there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from huey import Huey
    from pydantic import BaseModel

    from campaignkit.core.events.models import Event, Rsvp
    from campaignkit.core.geo import Place, SeatRef
    from campaignkit.core.pages import NavItem
    from campaignkit.core.share import ShareTarget

hookspec = pluggy.HookspecMarker("campaignkit")


# ---------------------------------------------------------------- app wiring


@hookspec
def campaignkit_blueprints() -> list[Blueprint]:
    """Return Flask blueprints to register on the app.

    Called once while the app is built, in plugin enable order. Give each
    blueprint a ``url_prefix`` unless it deliberately serves top-level pages.
    """


@hookspec
def campaignkit_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``campaignkit`` command line.

    Called once when the command line starts, with the top-level group; call
    ``cli.add_command(...)``. Commands that need the app use
    ``campaignkit.core.instance_app()`` inside their body.
    """


@hookspec
def campaignkit_settings_schema() -> type[BaseModel]:
    """Return a pydantic model for this plugin's ``[plugins.<name>]`` settings.

    Called while the configuration is validated at start-up. Unknown keys and
    wrong types in the plugin's table stop start-up with a message naming the
    key. Give every field a default so a fresh instance starts.
    """


@hookspec
def campaignkit_migrations_dir() -> Path:
    """Return the folder of this plugin's Alembic revisions.

    Called by ``campaignkit db upgrade`` and ``campaignkit check``. The plugin's
    first revision carries ``branch_labels = ("<plugin name>",)`` and
    ``depends_on = "core"`` so each plugin upgrades on its own branch.
    """


@hookspec
def campaignkit_jobs(huey: Huey) -> None:
    """Declare background jobs on the instance's task queue.

    Called once while the app is built. Use ``campaignkit.core.job(huey)`` as a
    decorator so the job runs inside the app context and can report progress.
    """


# ---------------------------------------------------------------- pages


@hookspec
def campaignkit_nav_items(user: Any) -> list[NavItem]:
    """Return links for the site navigation.

    Called on every page render with the current user (``None`` when nobody is
    signed in). A plugin that raises here is logged and left out of the menu;
    the page still renders.
    """


@hookspec
def campaignkit_template_slots(slot: str, context: dict[str, Any]) -> str | None:
    """Return HTML to place in the named template slot, or ``None``.

    Called whenever a template renders ``{{ slot("name") }}``; core's layout
    has ``head``, ``after_nav``, ``home_main``, ``home_aside`` and
    ``footer``. ``context`` is the template's context. The returned string is
    inserted as HTML, so build it with ``render_template`` (autoescaped). A
    plugin that raises here is logged and skipped.
    """


@hookspec
def campaignkit_share_targets(url: str, text: str) -> list[ShareTarget]:
    """Return ways to share ``url`` with ``text`` (WhatsApp, email, ...).

    Called when a page shows share buttons. Each target's ``href`` must be
    built from the given url and text only. A plugin that raises is skipped.
    """


# ---------------------------------------------------------------- geography


@hookspec(firstresult=True)
def campaignkit_geocode(query: str) -> Place | None:
    """Turn a postcode (or other place text a person typed) into a ``Place``.

    Called whenever core or a plugin needs a position for what someone typed,
    through ``campaignkit.core.geocode``. Stops at the first non-None result,
    so enable precise sources first. Return None for a query you know nothing
    about; raise ``campaignkit.core.GeocodeError`` with a message for the
    person when the query is invalid or not covered.
    """


@hookspec(firstresult=True)
def campaignkit_seat_at(lat: float, lon: float) -> SeatRef | None:
    """Return the seat (electoral area) a position lies in, or None.

    Called when something with a position (an event, a signature) needs its
    seat, through ``campaignkit.core.seat_at``. Stops at the first non-None
    result. Answer from boundaries (point in polygon), not the nearest centre.
    """


# ---------------------------------------------------------------- people


@hookspec
def campaignkit_permissions() -> dict[str, list[str]]:
    """Declare permissions: return ``{permission name: [roles that hold it]}``.

    Called once while the app is built. Roles are ``supporter``, ``volunteer``,
    ``host``, ``organiser``, ``moderator``, ``producer`` and ``admin``; admin
    holds every permission without being listed. Name permissions
    ``<plugin>.<action>`` (``pledges.export``) and guard views with
    ``campaignkit.core.require_permission("pledges.export")``. When several
    plugins declare the same permission, the roles are merged. An unknown
    role or a malformed result stops start-up with a message naming the plugin.
    """


# ---------------------------------------------------------------- events


@hookspec
def campaignkit_event_changed(event: Event, change: str, rsvp: Rsvp | None) -> None:
    """React to a campaign event changing.

    Called after the change is committed. ``change`` is one of "created",
    "approved", "rejected", "updated", "cancelled" or "rsvp"; ``rsvp`` is the
    RSVP that was taken or withdrawn for "rsvp" and None otherwise. The event
    is detached: read its fields, do not change it. A plugin that raises is
    logged and skipped, so one plugin cannot stop an RSVP.
    """
