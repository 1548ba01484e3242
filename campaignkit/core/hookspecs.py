"""Every campaignkit hook, declared once and documented here.

A plugin implements any of these with ``@campaignkit.hookimpl`` and a function
of the same name that takes only the arguments it needs. ``docs/hooks.md``
lists every hook; a test fails when one is missing there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from campaignkit.core.hooktypes import DataSubject, NavItem, Place, SeatRef, ShareTarget

if TYPE_CHECKING:
    from datetime import datetime

    import click
    from flask import Blueprint
    from huey import Huey
    from pydantic import BaseModel
    from sqlalchemy.orm import Session

    from campaignkit.core.events.models import Event, Rsvp

hookspec = pluggy.HookspecMarker("campaignkit")


# ---------------------------------------------------------------- app wiring


@hookspec(historic=True)
def campaignkit_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add the hooks this plugin offers to other plugins.

    Called once for each plugin as it is registered, before any other hook,
    with the plugin manager; call ``pluginmanager.add_hookspecs(module)`` with
    the plugin's own ``hookspecs`` module. Core never declares a plugin's
    hooks; the plugin calls them with ``campaignkit.core.call_plugins``.
    """


@hookspec
def campaignkit_needs() -> list[str]:
    """Name the capabilities this plugin needs another enabled plugin to provide.

    Called while the instance loads. Return names from ``"geocode"`` (a
    plugin implementing ``campaignkit_geocode``) and ``"seat_at"`` (one
    implementing ``campaignkit_seat_at``). ``campaignkit check`` and the
    start-up log name each need nobody provides; an unknown name stops
    start-up with a message naming the plugin.
    """


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
    """Return the folder of this plugin's Alembic revisions, if not ``migrations/`` in its package.

    Called by ``campaignkit db upgrade`` and ``campaignkit check``; a plugin
    packaged the usual way needs no implementation. The plugin's
    first revision carries ``branch_labels = ("<plugin name>",)`` and
    ``depends_on = "core"`` so each plugin upgrades on its own branch.
    """


@hookspec
def campaignkit_jobs(huey: Huey) -> None:
    """Declare background jobs on the instance's task queue.

    Called once while the app is built. Use ``campaignkit.core.job(huey)`` as a
    decorator so the job runs inside the app context and can report progress.
    """


@hookspec
def campaignkit_warm_up() -> None:
    """Load what the first requests would otherwise wait for (tables read from files).

    Called once in each ``campaignkit serve`` worker process, inside an app
    context, after the app is built and before the worker takes requests.
    Not called by the command line or the test client. A plugin that raises
    is logged and skipped: the worker then loads the same things on first use.
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


@hookspec
def campaignkit_personal_data(subject: DataSubject, session: Session) -> dict[str, Any] | None:
    """Return everything this plugin stores about ``subject``, as JSON-ready data.

    Called for a person's data export (``/account/data``, the organiser's
    privacy page, ``campaignkit privacy export``) with a ``DataSubject``
    (normalised ``email``, ``user_id`` or None) and a read session. Return a
    dict of lists of records (dates may be ``datetime`` objects); it becomes
    ``<plugin>.json`` in the zip. Return None when the plugin stores nothing
    about anyone. A plugin that raises stops the export with its name.
    """


@hookspec
def campaignkit_erase_personal_data(subject: DataSubject, session: Session) -> int | None:
    """Erase or anonymise every row this plugin holds about ``subject``; return how many.

    Called when a person's data is erased, and again for each logged
    erasure by ``campaignkit privacy replay-erasures`` after a backup is
    restored, so it must be idempotent. ``session`` is the one write
    transaction shared by every plugin: change rows through it and do not
    commit. Leave no copy of the address, name, phone or free text; keep
    only what aggregate counts need (an anonymised signature still counts).
    Core runs last and deletes the account row, so null or delete every
    reference to ``subject.user_id`` here. If any plugin raises, nothing is
    erased and the error names the plugin.
    """


@hookspec
def campaignkit_purge_personal_data(older_than: datetime, session: Session) -> int | None:
    """Erase personal data stored before ``older_than``; return how many rows changed.

    Called by ``campaignkit privacy purge``, in a write transaction of the
    plugin's own (rolled back with ``--dry-run``). ``older_than`` comes from
    the plugin's own ``retention_days`` setting if its settings schema has
    one, else from ``[privacy] retention_days``; with 0 days the plugin is
    not called. Anonymise as for an erasure.
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
