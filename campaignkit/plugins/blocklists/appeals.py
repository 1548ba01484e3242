"""Appeals: a listed person asks to come off a list; maintainers decide; the person is emailed.

The public form needs no account, is rate-limited per address and never says
whether the account is on the list (a private list's handles are not public).
Every decision is in the list's audit log; "remove" takes the entry off.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from campaignkit.core import (
    EmailInvalid,
    MailError,
    campaign_name,
    clean_email,
    clean_text,
    db_session,
    plugin_settings,
    public_url_for,
    rate_limited,
    record_consent,
    require_permission,
    send_mail,
    write_session,
)
from campaignkit.plugins.blocklists.accounts import (
    EntryError,
    clean_account_id,
    clean_handle,
    clean_platform,
)
from campaignkit.plugins.blocklists.admin import bp as admin_bp
from campaignkit.plugins.blocklists.admin import maintainer_id
from campaignkit.plugins.blocklists.entries import audit, change_status
from campaignkit.plugins.blocklists.models import (
    ENTRY_REMOVED,
    OPEN,
    PLATFORM_NAMES,
    REMOVED,
    UPHELD,
    Appeal,
    BlockList,
    Entry,
    now,
)
from campaignkit.plugins.blocklists.views import bp, list_by_slug, user_emails

MAX_MESSAGE = 5000
CONSENT_PURPOSE = "blocklists.appeal"
CONSENT_VERSION = "1"
CONSENT_WORDING = ("I agree that the list's maintainers keep this appeal and my email address "
                   "to decide it and to email me the outcome.")  # fmt: skip
HONEYPOT = "website"
DECISIONS = {"uphold": UPHELD, "remove": ENTRY_REMOVED}


def read_appeal(form) -> dict:  # noqa: ANN001 - a MultiDict
    """Check the appeal form; raises EntryError saying what to fix."""
    platform = clean_platform(form.get("platform"))
    account = form.get("handle", "").strip()
    try:
        handle = clean_handle(platform, account)
    except EntryError:
        handle = clean_account_id(platform, account)  # an id is fine too
    message = clean_text(form.get("message", "")).strip()
    if not message or len(message) > MAX_MESSAGE:
        raise EntryError(f"Please say why the account should come off (up to {MAX_MESSAGE} "
                         "characters).")  # fmt: skip
    try:
        email = clean_email(form.get("email", ""))
    except EmailInvalid:
        raise EntryError("Please give a valid email address for the answer.") from None
    if form.get("consent") != "yes":
        raise EntryError("Please tick the box so we may keep your appeal and answer you.")
    return {"platform": platform, "handle": handle, "message": message, "email": email}


def matching_entry(session, list_id: int, platform: str, account: str) -> int | None:  # noqa: ANN001
    """The id of the list's entry (not removed) with this handle or account id, if any."""
    query = select(Entry.id).where(
        Entry.list_id == list_id, Entry.platform == platform, Entry.status != REMOVED,
        (func.lower(Entry.handle) == account.lower()) | (Entry.account_id == account.lstrip("@")),
    )  # fmt: skip
    return session.scalars(query.limit(1)).first()


@bp.route("/<slug>/appeal", methods=["GET", "POST"])
@rate_limited(lambda: plugin_settings("blocklists").appeal_rate)
def appeal(slug: str):
    """The appeal form (no account needed); a sent appeal goes to the maintainers' queue."""
    block_list, error = list_by_slug(slug), None
    if request.method == "POST":
        if request.form.get(HONEYPOT):
            return redirect(url_for(".page", slug=slug), 303)  # a robot: store nothing
        try:
            values = read_appeal(request.form)
        except EntryError as exc:
            error = str(exc)
        else:
            with write_session() as session:
                found = matching_entry(session, block_list.id, values["platform"], values["handle"])
                stored = Appeal(list_id=block_list.id, entry_id=found, created_at=now(), **values)
                session.add(stored)
                record_consent(session, email=values["email"], purpose=CONSENT_PURPOSE,
                               wording=CONSENT_WORDING, version=CONSENT_VERSION,
                               source=f"blocklists/{slug}/appeal")  # fmt: skip
                session.flush()
                audit(session, block_list.id, "appeal", None,
                      f"Appeal for {PLATFORM_NAMES[values['platform']]} {values['handle']}",
                      entry_id=found, appeal_id=stored.id)  # fmt: skip
            flash("Thank you: your appeal is with the list's maintainers. They will email "
                  "you their decision.", "success")  # fmt: skip
            return redirect(url_for(".page", slug=slug), 303)
    page = render_template(
        "blocklists/appeal.html", block_list=block_list, error=error, platforms=PLATFORM_NAMES,
        form=request.form if error else {}, consent_text=CONSENT_WORDING, honeypot=HONEYPOT,
    )  # fmt: skip
    return page, 400 if error else 200


@admin_bp.get("/appeals")
@require_permission("blocklists.maintain")
def appeals():
    """The appeals queue: open appeals first, then the latest decided ones."""
    rows = db_session().execute(
        select(Appeal, BlockList.slug, BlockList.title, Entry)
        .join(BlockList, BlockList.id == Appeal.list_id)
        .outerjoin(Entry, Entry.id == Appeal.entry_id)
        .order_by((Appeal.status == OPEN).desc(), Appeal.id.desc()).limit(200)
    ).all()  # fmt: skip
    names = user_emails({a.decided_by for a, *_ in rows})
    return render_template(
        "blocklists/appeals.html", rows=rows, names=names, platforms=PLATFORM_NAMES
    )


def tell_appellant(stored: Appeal, slug: str, title: str) -> None:
    """Email the appellant the decision, with a link to the list's page."""
    outcome = ("the account has been taken off the list" if stored.status == ENTRY_REMOVED
               else "the account stays on the list")  # fmt: skip
    note = f"\n\nThe maintainers say:\n{stored.decision}" if stored.decision else ""
    body = (f"Your appeal about {stored.handle} on the list \"{title}\" has been decided: "
            f"{outcome}.{note}\n\nThe list, its purpose and its rules: "
            f"{public_url_for('blocklists.page', slug=slug)}\n\n{campaign_name()}\n")  # fmt: skip
    subject = f"Your appeal about {stored.handle}: {outcome}"
    send_mail(stored.email, subject, body)


@admin_bp.post("/appeals/<int:appeal_id>")
@require_permission("blocklists.maintain")
def decide_appeal(appeal_id: int):
    """Uphold the listing or remove the entry; logged, and the appellant is emailed."""
    decision = DECISIONS.get(request.form.get("decision", ""))
    if decision is None:
        flash("Choose to keep the account on the list or to remove it.", "error")
        return redirect(url_for(".appeals"), 303)
    note = clean_text(request.form.get("note", "")).strip()[:MAX_MESSAGE]
    with write_session() as session:
        stored = session.get(Appeal, appeal_id)
        if stored is None:
            abort(404, description="There is no such appeal.")
        if stored.status != OPEN:
            flash("This appeal was already decided.", "error")
            return redirect(url_for(".appeals"), 303)
        stored.status, stored.decision = decision, note
        stored.decided_by, stored.decided_at = maintainer_id(), now()
        entry = session.get(Entry, stored.entry_id) if stored.entry_id else None
        if decision == ENTRY_REMOVED and entry is not None and entry.status != REMOVED:
            change_status(session, entry, "remove", maintainer_id(), False)
        audit(session, stored.list_id, f"appeal_{request.form['decision']}", maintainer_id(),
              f"Appeal for {stored.handle}: {decision}. {note}".strip(),
              entry_id=stored.entry_id, appeal_id=stored.id)  # fmt: skip
        block_list = session.get(BlockList, stored.list_id)
        slug, title = block_list.slug, block_list.title
        session.flush()
        session.expunge(stored)
    try:
        tell_appellant(stored, slug, title)
    except MailError as exc:
        flash(f"The decision is saved, but the email could not be sent: {exc}", "error")
        return redirect(url_for(".appeals"), 303)
    flash("Decided; the appellant has been emailed.", "success")
    return redirect(url_for(".appeals"), 303)
