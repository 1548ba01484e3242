"""Handing out calls: one contact at a time under a lease, and recording what came of it.

The claim is atomic on SQLite and PostgreSQL alike. It runs in one write
transaction that first locks the volunteer's own row (so two tabs of one
volunteer take turns and get the same current call), then picks the first
callable target with ``SELECT ... FOR UPDATE SKIP LOCKED`` (on SQLite the
write transaction already holds the database's write lock, so the clause is
left out) and takes it with a guarded ``UPDATE ... WHERE`` the lease is
still free, checking that exactly one row changed. ``now`` is a parameter
throughout, so tests can set the clock.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, exists, insert, literal, or_, select, update

from campaignkit.core import (
    app_store,
    changed_after_commit,
    insert_unless_exists,
    plugin_settings,
    version,
)
from campaignkit.core import fresh as version_fresh
from campaignkit.plugins.phonebank.models import (
    OPEN,
    RUNNING,
    Contact,
    DoNotCall,
    PhoneCampaign,
    Target,
    Volunteer,
)
from campaignkit.plugins.phonebank.numbers import in_hours, parse_clock

#: How often a claim tries again when another volunteer took its pick first.
CLAIM_TRIES = 5
#: How long a list's time zones are remembered between claims (an upper bound: an
#: import bumps the ``ZONES`` version, which every worker sees at once).
ZONES_SECONDS = 30
ZONES = "phonebank.zones"


@dataclass(frozen=True)
class Lease:
    """A call handed to a volunteer: the target, its contact's id and the lease's token."""

    target_id: int
    contact_id: int
    campaign_id: int
    token: str
    until: datetime


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives them back naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def fill_targets(session, *, list_id: int) -> None:  # noqa: ANN001
    """Make a target in every campaign on the list for each of its contacts that has none yet."""
    for campaign_id in session.scalars(
        select(PhoneCampaign.id).where(PhoneCampaign.list_id == list_id)
    ):
        missing = select(literal(campaign_id), Contact.id, literal(OPEN), literal(0)).where(
            Contact.list_id == list_id,
            ~exists().where(Target.campaign_id == campaign_id, Target.contact_id == Contact.id),
        )
        columns = ["campaign_id", "contact_id", "state", "attempts"]
        session.execute(insert(Target).from_select(columns, missing))


def list_zones(session, list_id: int) -> list[str]:  # noqa: ANN001
    """The distinct time-zone values of a list's contacts, remembered for ``ZONES_SECONDS``.

    Every worker forgets them once an import commits (``forget_zones``).
    """
    remembered = app_store(ZONES)
    found = remembered.get(list_id)
    if found is not None and found[0] > time.monotonic() and version_fresh(ZONES, found[1]):
        return found[2]
    seen = version(ZONES)  # noted before the contacts are read
    query = select(Contact.time_zones).distinct().where(Contact.list_id == list_id)
    zones = list(session.scalars(query))
    remembered[list_id] = (time.monotonic() + ZONES_SECONDS, seen, zones)
    return zones


def forget_zones(session, list_id: int) -> None:  # noqa: ANN001
    """Make every worker forget the lists' remembered time zones once ``session`` commits."""
    app_store(ZONES).pop(list_id, None)
    changed_after_commit(session, ZONES)


def open_zones(session, list_id: int, now: datetime) -> list[str]:  # noqa: ANN001
    """The contacts' time-zone values on a list for which ``now`` is within calling hours."""
    settings = plugin_settings("phonebank")
    start, end = parse_clock(settings.calling_starts), parse_clock(settings.calling_ends)
    return [zone for zone in list_zones(session, list_id) if in_hours(zone, now, start, end)]


def callable_now(campaign_id: int, zones: list[str], now: datetime, *, fresh: bool):  # noqa: ANN201 - a Select
    """The query for the next target to hand out: with ``fresh`` False, the callback or retry
    that fell due first; with ``fresh`` True, the first contact not yet called.

    Two queries rather than one ordered by "due first", so each walks an index in order:
    the queue index by due time, or the partial index of fresh targets by id.
    """
    free = or_(Target.lease_until.is_(None), Target.lease_until <= now)
    blocked = exists().where(DoNotCall.phone_hash == Contact.phone_hash)
    if fresh:
        due, order = Target.due_at.is_(None), Target.id
    else:
        due, order = Target.due_at <= now, Target.due_at
    # The state is written into the SQL, not bound: a planner may use the partial index
    # of fresh targets only when the query's condition visibly implies the index's.
    is_open = Target.state == bindparam("open_state", OPEN, literal_execute=True)
    return (
        select(Target.id, Target.contact_id)
        .join(Contact, Contact.id == Target.contact_id)
        .where(Target.campaign_id == campaign_id, is_open, due, free,
               Contact.time_zones.in_(zones), Contact.registry_status.is_(None),
               Contact.phone_hash.is_not(None), ~blocked)
        .order_by(order)
        .limit(1)
    )  # fmt: skip


def _pick(session, campaign_id: int, zones: list[str], now: datetime):  # noqa: ANN001, ANN202
    """The (id, contact_id) of a callable target, locked on PostgreSQL; None when there is none."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for fresh in (False, True):
        query = callable_now(campaign_id, zones, now, fresh=fresh)
        if postgres:
            query = query.with_for_update(skip_locked=True, of=Target)
        picked = session.execute(query).first()
        if picked is not None:
            return picked
    return None


def _volunteer(session, user_id: int) -> Volunteer:  # noqa: ANN001
    """The volunteer's row, made if new and locked for this transaction."""
    insert_unless_exists(session, Volunteer, {"user_id": user_id, "calls": 0}, ["user_id"])
    query = select(Volunteer).where(Volunteer.user_id == user_id).with_for_update()
    return session.scalars(query).one()


def current_lease(session, volunteer: Volunteer, now: datetime) -> Lease | None:  # noqa: ANN001
    """The call the volunteer holds now, if their lease has not run out."""
    if volunteer.target_id is None:
        return None
    target = session.get(Target, volunteer.target_id)
    if (
        target is None
        or target.state != OPEN
        or target.leased_to != volunteer.user_id
        or aware(target.lease_until) <= now
    ):
        return None
    return Lease(target.id, target.contact_id, target.campaign_id, target.lease_token,
                 aware(target.lease_until))  # fmt: skip


def next_call(session, campaign_id: int, user_id: int, now: datetime) -> Lease | None:  # noqa: ANN001
    """Hand the volunteer one call (their current one if they hold a lease); None if none is due.

    ``session`` is a write session; the lease is taken when it commits.
    """
    volunteer = _volunteer(session, user_id)
    held = current_lease(session, volunteer, now)
    if held is not None:
        return held
    campaign = session.get(PhoneCampaign, campaign_id)
    if campaign is None or campaign.status != RUNNING:
        return None
    zones = open_zones(session, campaign.list_id, now)
    if not zones:
        return None
    minutes = plugin_settings("phonebank").lease_minutes
    for _try in range(CLAIM_TRIES):
        picked = _pick(session, campaign_id, zones, now)
        if picked is None:
            return None
        token, until = secrets.token_hex(16), now + timedelta(minutes=minutes)
        claimed = session.execute(
            update(Target)
            .where(Target.id == picked.id, Target.state == OPEN,
                   or_(Target.lease_until.is_(None), Target.lease_until <= now))
            .values(leased_to=user_id, lease_until=until, lease_token=token)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if claimed.rowcount == 1:
            volunteer.target_id = picked.id
            return Lease(picked.id, picked.contact_id, campaign_id, token, until)
    return None


def release(session, target: Target, *, state: str = OPEN, due_at: datetime | None = None) -> None:  # noqa: ANN001
    """End a target's lease, leaving it open (due again at ``due_at``) or done."""
    target.leased_to = target.lease_until = target.lease_token = None
    target.state, target.due_at = state, due_at
