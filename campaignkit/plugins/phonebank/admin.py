"""Organiser pages for call lists: make one, import contacts, do-not-call and TPS/DNC status.

Everything here needs ``phonebank.manage``. Every upload is all or nothing:
a file with any problem is refused with the list of problems by line.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from campaignkit.core import (
    clean_text,
    current_user,
    db_session,
    max_length,
    one_line,
    require_permission,
    write_session,
)
from campaignkit.plugins.phonebank.importing import (
    MAX_BYTES,
    ImportRefused,
    import_contacts,
    import_do_not_call,
    import_registry_status,
)
from campaignkit.plugins.phonebank.models import CallList, Contact, DoNotCall, PhoneCampaign

bp = Blueprint("phonebank_admin", __name__, url_prefix="/organise/phonebank")
MAX_BASIS = 2000


def read_list_form(form) -> dict:  # noqa: ANN001 - a MultiDict
    """A new list's name and lawful basis; raises ValueError naming what to fix."""
    name = one_line(form.get("name"))
    basis = clean_text(form.get("lawful_basis", "")).strip()
    if not name or len(name) > max_length(CallList.name):
        raise ValueError(f"Please name the list (up to {max_length(CallList.name)} characters).")
    if not basis or len(basis) > MAX_BASIS:
        raise ValueError(
            "Please say why you may call these people: the consent they gave (where and when) "
            f"or the lawful basis (up to {MAX_BASIS} characters)."
        )
    return {"name": name, "lawful_basis": basis}


def uploaded_bytes() -> bytes:
    """The uploaded ``file``; raises ImportRefused when there is none or it is too large."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ImportRefused(["Choose a CSV file to upload."])
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    return data


@bp.route("", methods=["GET", "POST"])
@require_permission("phonebank.manage")
def index():
    """The call lists and campaigns, the form for a new list and the do-not-call uploads."""
    error = None
    if request.method == "POST":
        try:
            values = read_list_form(request.form)
        except ValueError as exc:
            error = str(exc)
        else:
            with write_session() as session:
                made = CallList(**values, created_by=current_user.id, created_at=datetime.now(UTC))
                session.add(made)
                session.flush()
                list_id = made.id
            flash("List made: now import its contacts.", "success")
            return redirect(url_for(".view_list", list_id=list_id), 303)
    return _index_page(error=error)


def _index_page(error: str | None = None, problems: list[str] | tuple = ()):  # noqa: ANN202
    session = db_session()
    lists = list(session.scalars(select(CallList).order_by(CallList.id.desc())))
    query = select(Contact.list_id, func.count()).group_by(Contact.list_id)
    page = render_template(
        "phonebank/admin_index.html", lists=lists, counts=dict(session.execute(query).all()),
        error=error, problems=problems, form=request.form,
        campaigns=list(session.scalars(select(PhoneCampaign).order_by(PhoneCampaign.id.desc()))),
        do_not_call=session.scalar(select(func.count()).select_from(DoNotCall)),
    )  # fmt: skip
    return page, 400 if error or problems else 200


def _list(list_id: int) -> CallList:
    found = db_session().get(CallList, list_id)
    if found is None:
        abort(404)
    return found


@bp.route("/lists/<int:list_id>", methods=["GET", "POST"])
@require_permission("phonebank.manage")
def view_list(list_id: int):
    """A list: its contacts by seat, and the contact import (all or nothing)."""
    call_list, problems = _list(list_id), []
    if request.method == "POST":
        try:
            data = uploaded_bytes()
            with write_session() as session:
                report = import_contacts(session, session.get(CallList, list_id), data)
        except ImportRefused as exc:
            problems = exc.problems
        else:
            flash(
                f"Imported {report.added} contacts; {report.skipped_do_not_call} left out "
                f"(on the do-not-call list); {report.unplaced} not placed in a seat.",
                "success",
            )
            return redirect(url_for(".view_list", list_id=list_id), 303)
    seats = db_session().execute(
        select(Contact.seat_name, func.count()).where(Contact.list_id == list_id)
        .group_by(Contact.seat_name).order_by(func.count().desc(), Contact.seat_name)
    ).all()  # fmt: skip
    total = sum(count for _seat, count in seats)
    page = render_template("phonebank/list.html", call_list=call_list, seats=seats,
                           total=total, problems=problems)  # fmt: skip
    return page, 400 if problems else 200


@bp.post("/do-not-call")
@require_permission("phonebank.manage")
def upload_do_not_call():
    """Add an uploaded file's numbers to the do-not-call list."""
    return _upload(import_do_not_call, "{} numbers added to the do-not-call list.")


@bp.post("/registry")
@require_permission("phonebank.manage")
def upload_registry():
    """Record TPS/CTPS/DNC status from an uploaded file."""
    return _upload(import_registry_status, "Registry status recorded on {} contacts.")


def _upload(importer, message: str):  # noqa: ANN001, ANN202
    try:
        data = uploaded_bytes()
        with write_session() as session:
            changed = importer(session, data)
    except ImportRefused as exc:
        return _index_page(problems=exc.problems)
    else:
        flash(message.format(changed), "success")
    return redirect(url_for(".index"), 303)
