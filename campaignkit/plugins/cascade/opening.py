"""Opening a cascade link: one indexed write makes the opener's own node, once per browser.

A code is ``<cascade id>-<random>``: the random part comes from ``secrets``
(72 bits), so codes cannot be guessed, and the cascade's id lets the page
find this browser's own node from its signed cookie before writing anything.
The write is a single ``INSERT ... SELECT`` that finds the parent by its
unique code and adds the child only while the cascade is running.
"""

from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import DateTime, Integer, String, bindparam, insert, literal, select, update
from sqlalchemy.orm import aliased

from campaignkit.core import db_session, write_session
from campaignkit.plugins.cascade.models import RUNNING, TARGETS, Cascade, Node

COOKIE = "ck_cascade"
COOKIE_SALT = "campaignkit.cascade.openers"
#: How many cascades one browser's cookie remembers (the most recent ones).
REMEMBERED = 20


def new_code(cascade_id: int) -> str:
    """A fresh unguessable code for a node of the cascade."""
    return f"{cascade_id}-{secrets.token_urlsafe(9)}"


def cascade_id_of(code: str) -> int | None:
    """The cascade id a code names, or None when the code is not one of ours."""
    head, sep, tail = code.partition("-")
    if not sep or not head.isdigit() or len(head) > 9 or not 8 <= len(tail) <= 16:
        return None
    return int(head)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=COOKIE_SALT)


def remembered_codes(cookie: str | None) -> dict[str, str]:
    """{cascade id: own code} from the browser's signed cookie ({} when missing or forged)."""
    if not cookie:
        return {}
    try:
        found = _serializer().loads(cookie)
    except BadSignature:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}


def cookie_value(codes: dict[str, str], cascade_id: int, code: str) -> str:
    """The signed cookie remembering ``code`` for the cascade (and the latest others)."""
    kept = {k: v for k, v in codes.items() if k != str(cascade_id)}
    kept = dict(list(kept.items())[-(REMEMBERED - 1) :])
    kept[str(cascade_id)] = code
    return _serializer().dumps(kept)


def own_node(code: str) -> Node | None:
    """The node a code names."""
    return db_session().scalars(select(Node).where(Node.code == code)).first()


@functools.cache
def _open_statement():  # noqa: ANN202 - an Insert
    """The one statement that opens a link, built once: bound are the new code, the time and
    the parent's code."""
    parent = aliased(Node, name="parent")
    columns = ["code", "cascade_id", "parent_id", "generation", "opened_at"]
    values = [
        bindparam("code", type_=String()),
        parent.cascade_id,
        parent.id,
        parent.generation + literal(1, Integer()),
        bindparam("opened_at", type_=DateTime(timezone=True)),
    ]
    for target in TARGETS:
        columns.append(f"forwards_{target}")
        values.append(literal(0, Integer()))
    source = (
        select(*values)
        .join(Cascade, Cascade.id == parent.cascade_id)
        .where(parent.code == bindparam("parent_code", type_=String()))
        .where(Cascade.status == RUNNING)
    )
    return insert(Node.__table__).from_select(columns, source).returning(Node.__table__.c.id)


def open_child(parent_code: str, now: datetime | None = None) -> str | None:
    """Add the opener's node under ``parent_code`` in one write; its code, or None when the
    parent is unknown or its cascade is not running (nothing is written then)."""
    cascade_id = cascade_id_of(parent_code)
    if cascade_id is None:
        return None
    code = new_code(cascade_id)
    values = {"code": code, "opened_at": now or datetime.now(UTC), "parent_code": parent_code}
    with write_session() as session:
        made = session.connection().execute(_open_statement(), values)
        return code if made.first() is not None else None


def count_forward(code: str, target: str) -> bool:
    """Add one forward on ``target`` to a node of a running cascade; False when there is none."""
    column = getattr(Node, f"forwards_{target}")
    running = select(Cascade.id).where(Cascade.status == RUNNING).scalar_subquery()
    query = (
        update(Node)
        .where(Node.code == code, Node.cascade_id.in_(running))
        .values({column: column + 1})
    )
    with write_session() as session:
        return session.execute(query).rowcount == 1
