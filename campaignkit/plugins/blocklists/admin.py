"""Organiser pages: lists, their entries (add, approve, reject, remove), imports and the audit log.

Every page needs ``blocklists.maintain``; every form carries a CSRF token
(checked by core for every POST). Appeals have their pages in ``appeals``.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from campaignkit.core import (
    current_user,
    db_session,
    max_length,
    one_line,
    plugin_settings,
    query_int,
    require_permission,
    write_session,
)
from campaignkit.plugins.blocklists.accounts import (
    EntryError,
    clean_account_id,
    clean_evidence,
    clean_handle,
    clean_platform,
    clean_reason,
)
from campaignkit.plugins.blocklists.entries import DONE, add_entry, audit, change_status
from campaignkit.plugins.blocklists.jobs import start_import
from campaignkit.plugins.blocklists.lookup import lookup_status
from campaignkit.plugins.blocklists.lookup_jobs import refresh_when_shown
from campaignkit.plugins.blocklists.models import (
    ACCOUNT_STATES,
    PLATFORM_NAMES,
    REASONS,
    STATUS_NAMES,
    AuditEvent,
    BlockList,
    Entry,
    now,
)
from campaignkit.plugins.blocklists.views import user_emails

bp = Blueprint("blocklists_admin", __name__, url_prefix="/organise/blocklists")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
PER_PAGE = 100
MAX_TEXT = 10_000


def maintainer_id() -> int:
    """The signed-in maintainer's user id."""
    return int(current_user.id)


def second_approval() -> bool:
    """Whether an entry needs a second maintainer's approval."""
    return plugin_settings("blocklists").require_second_approval


def list_or_404(list_id: int) -> BlockList:
    """The list, or a 404."""
    found = db_session().get(BlockList, list_id)
    if found is None:
        abort(404, description="There is no such list.")
    return found


def read_list_form(form) -> dict:  # noqa: ANN001 - a MultiDict
    """Check the list form (title, purpose, rules, private); raises EntryError."""
    title = one_line(form.get("title"))
    limit = max_length(BlockList.title)
    if not title or len(title) > limit:
        raise EntryError(f"Please give the list a title (up to {limit} characters).")
    purpose, rules = form.get("purpose", "").strip(), form.get("rules", "").strip()
    if len(purpose) > MAX_TEXT or len(rules) > MAX_TEXT:
        raise EntryError(f"Keep the purpose and the rules under {MAX_TEXT} characters each.")
    return {"title": title, "purpose": purpose, "rules": rules,
            "private": form.get("private") == "yes"}  # fmt: skip


@bp.route("", methods=["GET", "POST"])
@require_permission("blocklists.maintain")
def index():
    """Every list, and the form to create one."""
    error = None
    if request.method == "POST":
        slug = request.form.get("slug", "").strip()
        try:
            if not SLUG.match(slug):
                raise EntryError("The address may use lower-case letters, digits and hyphens.")
            values = read_list_form(request.form)
            with write_session() as session:
                created = BlockList(slug=slug, created_at=now(), **values)
                session.add(created)
                session.flush()
                audit(session, created.id, "create", maintainer_id(), f"Created {slug}")
            flash("List created.", "success")
            return redirect(url_for(".entries", list_id=created.id), 303)
        except EntryError as exc:
            error = str(exc)
        except IntegrityError:
            error = "A list already uses that address."
    lists = db_session().scalars(select(BlockList).order_by(BlockList.title))
    page = render_template(
        "blocklists/admin_index.html", lists=list(lists), error=error, form=request.form
    )
    return page, 400 if error else 200


@bp.route("/<int:list_id>/edit", methods=["GET", "POST"])
@require_permission("blocklists.maintain")
def edit(list_id: int):
    """Change a list's title, purpose, rules and privacy (its address stays)."""
    block_list, error = list_or_404(list_id), None
    form = request.form if request.method == "POST" else {
        "title": block_list.title, "purpose": block_list.purpose, "rules": block_list.rules,
        "private": "yes" if block_list.private else ""}  # fmt: skip
    if request.method == "POST":
        try:
            values = read_list_form(request.form)
            with write_session() as session:
                stored = session.get(BlockList, list_id)
                for name, value in values.items():
                    setattr(stored, name, value)
                audit(session, list_id, "edit", maintainer_id(), "Changed the list's details")
            flash("List saved.", "success")
            return redirect(url_for(".entries", list_id=list_id), 303)
        except EntryError as exc:
            error = str(exc)
    page = render_template("blocklists/edit.html", block_list=block_list, error=error, form=form)
    return page, 400 if error else 200


def render_entries(block_list: BlockList, error: str | None = None, status: int = 200):  # noqa: ANN201
    """The list's entries page, filtered by ``?status=`` and ``?reason=``, a page at a time.

    Handles due for a refresh are queued for it; the page shows what is stored now.
    """
    refresh_when_shown(block_list.id)
    query = select(Entry).where(Entry.list_id == block_list.id)
    shown_status, shown_reason = request.args.get("status", ""), request.args.get("reason", "")
    if shown_status in STATUS_NAMES:
        query = query.where(Entry.status == shown_status)
    if shown_reason in REASONS:
        query = query.where(Entry.reason == shown_reason)
    page = query_int("page", 1, 1, 100_000)
    total = db_session().scalar(select(func.count()).select_from(query.subquery()))
    rows = db_session().scalars(
        query.order_by(Entry.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )
    html = render_template(
        "blocklists/entries.html", block_list=block_list, entries=list(rows), total=total,
        page=page, pages=max(1, -(-total // PER_PAGE)), shown_status=shown_status,
        shown_reason=shown_reason, statuses=STATUS_NAMES, reasons=REASONS,
        platforms=PLATFORM_NAMES, error=error, form=request.form if error else {},
        second_approval=second_approval(), me=maintainer_id(), account_states=ACCOUNT_STATES,
        lookup=lookup_status(block_list.id),
    )  # fmt: skip
    return html, status


@bp.get("/<int:list_id>")
@require_permission("blocklists.maintain")
def entries(list_id: int):
    """A list's entries with the forms to add one and to import a file."""
    return render_entries(list_or_404(list_id))


def read_entry_form(form) -> dict:  # noqa: ANN001 - a MultiDict
    """Check the add-entry form; raises EntryError."""
    platform = clean_platform(form.get("platform"))
    account_id, handle = form.get("account_id", "").strip(), form.get("handle", "").strip()
    if not account_id and not handle:
        raise EntryError("Give the account's id, its handle, or both.")
    return {
        "platform": platform,
        "account_id": clean_account_id(platform, account_id) if account_id else None,
        "handle": clean_handle(platform, handle) if handle else "",
        "reason": clean_reason(form.get("reason")),
        "evidence": clean_evidence(form.get("evidence")),
    }


@bp.post("/<int:list_id>/entries")
@require_permission("blocklists.maintain")
def add(list_id: int):
    """Add one account to the list (pending when a second approval is required)."""
    block_list = list_or_404(list_id)
    try:
        values = read_entry_form(request.form)
        with write_session() as session:
            entry = add_entry(session, block_list, values, maintainer_id(), second_approval())
            status = entry.status
    except EntryError as exc:
        return render_entries(block_list, str(exc), 400)
    except IntegrityError:  # someone added the same account at the same moment
        return render_entries(block_list, "That account is already on this list.", 400)
    flash(f"Added: {STATUS_NAMES[status]}.", "success")
    return redirect(url_for(".entries", list_id=list_id), 303)


@bp.post("/<int:list_id>/entries/<int:entry_id>")
@require_permission("blocklists.maintain")
def decide(list_id: int, entry_id: int):
    """Approve, reject or remove one entry (``action``)."""
    list_or_404(list_id)
    try:
        with write_session() as session:
            entry = session.get(Entry, entry_id)
            if entry is None or entry.list_id != list_id:
                abort(404, description="There is no such entry on this list.")
            action = request.form.get("action", "")
            change_status(session, entry, action, maintainer_id(), second_approval())
    except EntryError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".entries", list_id=list_id), 303)
    flash(f"Entry {DONE[action]}.", "success")
    return redirect(url_for(".entries", list_id=list_id), 303)


@bp.post("/<int:list_id>/import")
@require_permission("blocklists.maintain")
def import_entries(list_id: int):
    """Start importing an uploaded file; shows the job's progress."""
    block_list = list_or_404(list_id)
    upload = request.files.get("file")
    try:
        platform = clean_platform(request.form.get("platform"))
        if upload is None or not upload.filename:
            raise EntryError("Choose a CSV file to import.")
    except EntryError as exc:
        return render_entries(block_list, str(exc), 400)
    job_id = start_import(block_list.slug, upload, platform, maintainer_id())
    back = url_for(".entries", list_id=list_id)
    return redirect(url_for("core.job_page", job_id=job_id, back=back), 303)


@bp.get("/<int:list_id>/audit")
@require_permission("blocklists.maintain")
def audit_log(list_id: int):
    """The list's audit log, newest first, a page at a time."""
    block_list = list_or_404(list_id)
    page = query_int("page", 1, 1, 100_000)
    rows = db_session().scalars(
        select(AuditEvent).where(AuditEvent.list_id == list_id)
        .order_by(AuditEvent.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )  # fmt: skip
    events = list(rows)
    names = user_emails({event.actor_id for event in events})
    return render_template(
        "blocklists/audit.html", block_list=block_list, events=events, page=page, names=names
    )
