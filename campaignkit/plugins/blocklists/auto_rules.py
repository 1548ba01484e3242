"""Auto rules (opt-in per connected account, as Block Together had): mute new noisy mentioners.

Every 15 minutes, for each connection with ``auto_rules`` on, the accounts that mentioned
it since ``auto_since_id`` are read. One younger than ``auto_max_age_days`` or with fewer
followers than ``auto_min_followers`` is wanted muted, unless the subscriber follows it,
has it hands-off (unmuted by hand after we acted), or has muted it already. Wanted
accounts are written to ``blocklists_auto_targets``; the apply job reads them as the
pseudo-list "auto" and mutes them with the rest of the connection's plan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from huey import Huey, crontab
from sqlalchemy import select

from campaignkit.core import Progress, job, write_session
from campaignkit.plugins.blocklists.connecting_platform import platform_for
from campaignkit.plugins.blocklists.credentials import seal
from campaignkit.plugins.blocklists.ledger import HandsOff
from campaignkit.plugins.blocklists.models import AutoTarget, now
from campaignkit.plugins.blocklists.platforms.base import Platform, PlatformError, RemoteAccount
from campaignkit.plugins.blocklists.subscribers import CONNECTED, Connection

AUTO_LIST = "auto"  # the pseudo-list name the apply job gives these targets


def stored_session(connection_id: int):  # noqa: ANN201 - a callback
    """A callback that seals and stores a refreshed Bluesky session for this connection."""

    def keep(session_string: str) -> None:
        with write_session() as session:
            row = session.get(Connection, connection_id)
            if row is not None:
                row.credentials = seal("bluesky", {"session": session_string})

    return keep


def build_platform(connection: Connection) -> Platform:
    """The connection's adapter (``platform_for``), storing any refreshed Bluesky session."""
    return platform_for(connection, stored_session(connection.id))


def wanted_reason(account: RemoteAccount, connection: Connection, at: datetime) -> str | None:
    """Why the rules want this mentioner muted, or None when they do not."""
    if account.created_at is not None:
        age = at - account.created_at
        if age < timedelta(days=connection.auto_max_age_days):
            return f"account {age.days} days old (under {connection.auto_max_age_days})"
    followers = account.followers_count
    if followers is not None and followers < connection.auto_min_followers:
        return f"{followers} followers (under {connection.auto_min_followers})"
    return None


def check_connection(connection: Connection, platform: Platform, at: datetime | None = None) -> int:
    """Read one connection's new mentions; record the accounts to mute; returns how many."""
    at = at or now()
    mentioners, newest = platform.recent_mentioners(connection.auto_since_id)
    candidates = {}
    for account in mentioners:
        reason = wanted_reason(account, connection, at)
        if reason is not None and account.account_id != connection.account_id:
            candidates[account.account_id] = (account, reason)
    if candidates:
        for known in (platform.following_ids(), platform.muted_ids()):
            for target in known & set(candidates):
                candidates.pop(target)
    with write_session() as session:
        skip = set(
            session.scalars(
                select(HandsOff.target_id).where(HandsOff.connection_id == connection.id)
            )
        ) | set(
            session.scalars(
                select(AutoTarget.target_id).where(AutoTarget.connection_id == connection.id)
            )
        )
        added = [(a, r) for target, (a, r) in candidates.items() if target not in skip]
        for account, reason in added:
            session.add(AutoTarget(connection_id=connection.id, target_id=account.account_id,
                                   handle=account.handle[:300], reason=reason, at=at))  # fmt: skip
        row = session.get(Connection, connection.id)
        if row is not None and newest is not None:
            row.auto_since_id = newest
    return len(added)


def run_auto_rules(progress=lambda *_: None, build=build_platform) -> str:  # noqa: ANN001
    """Check every connection with auto rules on; a failing one is skipped and named."""
    with write_session() as session:
        connections = list(
            session.scalars(
                select(Connection)
                .where(Connection.auto_rules.is_(True), Connection.status == CONNECTED)
                .order_by(Connection.id)
            )
        )
        session.expunge_all()
    found, problems = 0, []
    for done, connection in enumerate(connections, 1):
        try:
            found += check_connection(connection, build(connection))
        except (PlatformError, ValueError) as problem:
            problems.append(f"connection {connection.id}: {problem}")
        progress(done, len(connections), f"Checked {done} of {len(connections)} accounts")
    text = f"Checked {len(connections)} accounts: {found} new accounts to mute."
    return f"{text} Skipped: {'; '.join(problems)}" if problems else text


def register(huey: Huey) -> None:
    """Declare the auto rules job and the quarter-hourly task that starts it."""

    @job(huey, title="Check auto rules")
    def check_auto_rules(progress: Progress) -> str:
        """Apply the auto rules to every connection that has them on."""
        return run_auto_rules(lambda d, t, m: progress.update(d, total=t, message=m))

    @huey.periodic_task(crontab(minute="*/15"), name="campaignkit.plugins.blocklists.auto_rules")
    def auto_rules_every_quarter_hour() -> None:
        """Every quarter hour: queue the auto rules job."""
        check_auto_rules.enqueue()
