"""Shared steps of the privacy tests: storing a person everywhere, and looking for them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from hashlib import sha256
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text

from campaignkit.core.auth.models import ApiToken, Invite, utcnow
from campaignkit.core.db import SQLITE_FILE
from campaignkit.core.events.models import CarpoolOffer, CarpoolSeat, Event, EventHost, Rsvp
from campaignkit.core.session import write_session


def store_everywhere(app: Flask, petition, user_id: int, email: str) -> None:  # noqa: ANN001
    """Give a person data in every table that can hold them (core's and the plugin's)."""
    with app.test_request_context(), write_session() as session:
        petition.sign(session, email, "Ada Lovelace", comment=f"reach me at {email}")
        petition.sign(session, email, "Ada Lovelace", user_id=user_id)
        session.add(
            ApiToken(
                name="my laptop",
                token_hash=sha256(f"token {email}".encode()).hexdigest(),
                scopes="",
                user_id=user_id,
            )
        )
        session.add(
            Invite(
                token_hash=sha256(f"invite {email}".encode()).hexdigest(),
                note=f"for a friend of {email}",
                max_uses=1,
                uses=0,
                expires_at=utcnow(),
                created_by=user_id,
            )
        )
        store_event_data(session, user_id, email)


def store_event_data(session, user_id: int, email: str) -> None:  # noqa: ANN001 - Session
    """An event the person hosts, their RSVP and a guest RSVP, a car they drive and a seat."""
    start = utcnow() + timedelta(days=3)
    event = Event(
        type="canvass", title="Doors in Bristol", starts_at=start,
        ends_at=start + timedelta(hours=2), postcode="BS1 5TR", lat=51.45, lon=-2.59,
        status="approved", created_by=user_id,
    )  # fmt: skip
    other = Event(
        type="social", title="Social", starts_at=start, ends_at=start + timedelta(hours=1),
        postcode="BS1 5TR", lat=51.45, lon=-2.59, status="approved",
    )  # fmt: skip
    session.add_all([event, other])
    session.flush()
    session.add(EventHost(event_id=event.id, user_id=user_id))
    session.add(Rsvp(event_id=event.id, user_id=user_id, name="Ada Lovelace", email=email))
    session.add(Rsvp(event_id=other.id, name="Ada Lovelace", email=email.upper()))
    offer = CarpoolOffer(
        event_id=event.id, user_id=user_id, driver_name="Ada Lovelace", driver_email=email,
        origin_postcode="BS6 5AB", lat=51.47, lon=-2.6, departs_at=start, seats=3,
        notes=f"text {email}", share_contact=True,
    )  # fmt: skip
    session.add(offer)
    session.flush()
    session.add(CarpoolSeat(offer_id=offer.id, rider_name="Ada Lovelace", rider_email=email))


def sqlite_bytes(instance: Path) -> bytes:
    """The SQLite database file and its write-ahead log, after a checkpoint, as bytes."""
    database = instance / SQLITE_FILE
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = database.read_bytes()
    wal = Path(f"{database}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


COLUMNS = text(
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
)


def postgres_columns_mentioning(url: str, needle: str) -> list[str]:
    """Every ``table.column`` of the database (any type, cast to text) holding ``needle``."""
    engine = create_engine(url)
    found = []
    try:
        with engine.connect() as connection:
            columns = connection.execute(COLUMNS).all()
            assert len(columns) > 20, columns  # core's tables and the plugin's are there
            for table, column in columns:
                query = text(
                    f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS text) ILIKE :needle'  # noqa: S608
                )
                if connection.execute(query, {"needle": f"%{needle}%"}).scalar():
                    found.append(f"{table}.{column}")
    finally:
        engine.dispose()
    return found


def traces(app: Flask, instance: Path, needle: str) -> list[str]:
    """Where ``needle`` is still stored: columns (PostgreSQL) or "file" (SQLite); disposes the app.

    Searched in lower and upper case: addresses are stored lower-cased.
    """
    state = app.extensions["campaignkit"]
    state.database.dispose()
    if state.database.is_sqlite:
        data = sqlite_bytes(instance)
        return ["file"] if needle.encode() in data or needle.upper().encode() in data else []
    return postgres_columns_mentioning(state.database.url, needle)
