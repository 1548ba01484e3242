"""A sample pledge for the demo instance: open, with signatures that count and some waiting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaignkit.core import GeocodeError, geocode, record_consent
from campaignkit.plugins.pledges.models import OPEN, Pledge, Signature
from campaignkit.plugins.pledges.signing import CONSENT_VERSION, CONSENT_WORDING, now

DEMO_SLUG = "keep-our-buses"
#: (first name, postcode district) of the sample signers.
SIGNERS = (
    ("Amira", "LS1"), ("Ben", "M1"), ("Chloe", "B1"), ("Dev", "BS1"), ("Erin", "CF10"),
    ("Femi", "EH1"), ("Gwen", "NE1"), ("Hari", "L1"), ("Isla", "G1"), ("Jack", "NG1"),
    ("Kemi", "S1"), ("Liam", "SW9"), ("Maya", "N1"), ("Noor", "E1"), ("Owen", "SE1"),
    ("Priya", "LE1"), ("Quinn", "PL1"), ("Rosa", "YO1"), ("Sam", "HU1"), ("Tara", "OX1"),
)  # fmt: skip
#: How many of the sample signers have not followed their email link yet.
WAITING = 3


def _seat(postcode: str) -> tuple[str | None, str | None]:
    try:
        seat = getattr(geocode(postcode), "seat", None)
    except GeocodeError:
        return None, None
    return (seat.code, seat.name) if seat is not None else (None, None)


def seed_demo_pledge(session: Session) -> Pledge | None:
    """Add the sample pledge with its signatures; None (nothing added) when any pledge exists."""
    if session.scalar(select(func.count()).select_from(Pledge)):
        return None
    started = now() - timedelta(days=len(SIGNERS))
    confirmed = len(SIGNERS) - WAITING
    pledge = Pledge(
        slug=DEMO_SLUG, title="Keep our buses running",
        text="I will write to my council and come to the public meeting to keep our bus routes.",
        goal=100, threshold=25, share_text="Keep our buses running: sign the pledge",
        status=OPEN, signed_count=confirmed, created_at=started,
    )  # fmt: skip
    session.add(pledge)
    session.flush()
    for day, (name, postcode) in enumerate(SIGNERS):
        email = f"{name.lower()}@example.org"
        signed_at = started + timedelta(days=day)
        code, seat_name = _seat(postcode)
        session.add(
            Signature(
                pledge_id=pledge.id,
                email=email,
                name=f"{name} Example",
                postcode=postcode,
                seat=code,
                seat_name=seat_name,
                show_name=True,
                created_at=signed_at,
                confirmed_at=signed_at if day < confirmed else None,
                unsubscribed=False,
            )  # fmt: skip
        )
        record_consent(
            session, email=email, purpose="pledges.sign", wording=CONSENT_WORDING,
            version=CONSENT_VERSION, source=f"pledge:{DEMO_SLUG}",
        )  # fmt: skip
    return pledge
