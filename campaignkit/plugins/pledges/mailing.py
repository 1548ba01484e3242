"""Mailing every signer of a pledge: a background job, each message with an unsubscribe link.

Only signatures that count (confirmed, when double opt-in is on) and that
have not unsubscribed are mailed; a message the server refuses is counted
and skipped.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from huey import Huey
from sqlalchemy import select, update

from campaignkit.core import (
    MailError,
    Progress,
    enqueue_job,
    job,
    plugin_settings,
    public_url_context,
    read_session,
    send_mail,
    write_session,
)
from campaignkit.plugins.pledges.models import Pledge, Signature
from campaignkit.plugins.pledges.notify import UNSUBSCRIBE_SALT, make_token, read_token
from campaignkit.plugins.pledges.stats import counted
from campaignkit.plugins.pledges.views import bp

#: The mailing job's name, for ``enqueue_job``.
MAIL_JOB = f"{__name__}.mail_signers"


def register(huey: Huey) -> None:
    """Declare the mailing job on a queue."""

    @job(huey, title="Email pledge signers")
    def mail_signers(progress: Progress, pledge_id: int, subject: str, body: str) -> None:
        """Send the organisers' message to every signer who counts and has not unsubscribed."""
        double = plugin_settings("pledges").double_opt_in
        with public_url_context():
            with read_session() as session:
                pledge = session.get(Pledge, pledge_id)
                query = select(Signature.id, Signature.email).where(
                    counted(pledge_id, double), Signature.unsubscribed.is_(False)
                )
                signers = list(session.execute(query.order_by(Signature.id)))
            sent = failed = 0
            for done, (signature_id, email) in enumerate(signers, 1):
                link = url_for(
                    "pledges.unsubscribe",
                    token=make_token(UNSUBSCRIBE_SALT, signature_id, email),
                    _external=True,
                )
                footer = f"You signed \u201c{pledge.title}\u201d. Stop these emails: {link}"
                text = f"{body}\n\n--\n{footer}"
                try:
                    send_mail(email, subject, text)
                    sent += 1
                except MailError:
                    failed += 1
                progress.update(done, total=len(signers), message=f"{sent} sent, {failed} failed")
            progress.update(
                len(signers), total=len(signers), message=f"{sent} sent, {failed} failed"
            )


def start_mailing(pledge_id: int, subject: str, body: str) -> str:
    """Queue the mailing job; returns its id."""
    return enqueue_job(MAIL_JOB, pledge_id, subject, body)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """The link in every mailing: confirm, then no more mail about that pledge."""
    found = read_token(UNSUBSCRIBE_SALT, token)
    if found is None:
        abort(404, description="This link is not valid. Check you copied all of it.")
    if request.method == "POST":
        with write_session() as session:
            session.execute(
                update(Signature)
                .where(Signature.id == found[0], Signature.email == found[1])
                .values(unsubscribed=True)
            )
        flash("Done: you will get no more emails about this pledge.", "success")
        return redirect(url_for(".unsubscribe", token=token), 303)
    return render_template("pledges/unsubscribe.html", token=token)
