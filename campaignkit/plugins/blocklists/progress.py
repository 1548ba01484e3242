"""The supporter's progress page for one connected account: how far applying has got.

``/account/blocklists/<id>/progress`` shows the steps done of the total as a bar (no
JavaScript; the page refreshes itself while work is pending), the estimated finish time,
the state in words (working, waiting for the platform's limit until HH:MM, connect again,
done) and a log of the last 50 calls with their reasons. Only the account's owner sees it;
anyone else gets a 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from campaignkit.core import current_user, db_session, signin_required
from campaignkit.plugins.blocklists.ledger import DONE, FAILED, PENDING, SENT, SKIPPED, Step
from campaignkit.plugins.blocklists.models import PLATFORM_NAMES, BlockList
from campaignkit.plugins.blocklists.subscribers import RECONNECT, Connection

bp = Blueprint("blocklists_progress", __name__)
LOG_LENGTH = 50
#: Seconds between refreshes while work is pending.
REFRESH_S = 10
#: Why a step was made, in the subscriber's words.
REASONS = {
    "listed": "because {lists} lists this account",
    "upgrade": "because {lists} asks for a block",
    "downgrade": "because no list asks for a block any more; {lists} still asks for a mute",
    "unlisted": "because no list you subscribe to lists this account any more",
}
VERBS = {("apply", "mute"): "Muted", ("apply", "block"): "Blocked",
         ("undo", "mute"): "Unmuted", ("undo", "block"): "Unblocked"}  # fmt: skip


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)


def status_words(connection: Connection, pending: int, now: datetime) -> str:
    """What is happening, in a sentence."""
    if connection.status == RECONNECT:
        return "Connect this account again: the platform refused our access. " + (
            connection.last_error or ""
        )
    if pending == 0:
        return "Done: every list you subscribe to is applied."
    not_before = _aware(connection.not_before)
    if not_before is not None and not_before > now:
        return f"Waiting for the platform's limit until {not_before:%H:%M} UTC."
    return "Working through your lists."


def log_line(step: Step, titles: dict[str, str]) -> str:
    """One line of the log: what was done to whom, and why."""
    who = step.target_handle or step.target_id
    names = ", ".join(titles.get(i, "a list") for i in step.lists.split(",") if i) or "a list"
    if step.state == SKIPPED:
        return f"Skipped {who}: {step.note or 'the account is gone.'}"
    if step.state == FAILED:
        return f"Could not act on {who}: {step.note}"
    verb = VERBS.get((step.verb, step.action), step.verb)
    return f"{verb} {who} " + REASONS.get(step.reason, "").format(lists=names)


@bp.get("/account/blocklists/<int:connection_id>/progress")
@signin_required
def progress(connection_id: int):
    """Steps done of total, the estimated finish, the state in words, and the recent log."""
    session = db_session()
    connection = session.get(Connection, connection_id)
    if connection is None or connection.user_id != int(current_user.id):
        abort(404)
    counts = dict(
        session.execute(
            select(Step.state, func.count())
            .where(Step.connection_id == connection_id)
            .group_by(Step.state)
        ).all()
    )
    total = sum(counts.values())
    pending = counts.get(PENDING, 0) + counts.get(SENT, 0)
    done = total - pending
    recent = session.scalars(
        select(Step)
        .where(Step.connection_id == connection_id, Step.state.in_((DONE, SKIPPED, FAILED)))
        .order_by(Step.done_at.desc(), Step.id.desc())
        .limit(LOG_LENGTH)
    ).all()
    titles = {str(i): t for i, t in session.execute(select(BlockList.id, BlockList.title))}
    now = datetime.now(UTC)
    working = pending > 0 and connection.status != RECONNECT
    return render_template(
        "blocklists/progress.html", connection=connection, done=done, total=total,
        percent=100 if total == 0 else round(100 * done / total), pending=pending,
        status=status_words(connection, pending, now), refresh=REFRESH_S if working else None,
        finish=_aware(connection.estimated_finish) if working else None,
        log=[log_line(step, titles) for step in recent],
        platform=PLATFORM_NAMES[connection.platform],
    )  # fmt: skip
