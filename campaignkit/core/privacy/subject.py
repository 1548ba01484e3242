"""Who personal data is about: ``DataSubject``, and the keyed hash the erasure log keeps."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import User
from campaignkit.core.hooktypes import DataSubject
from campaignkit.core.records import normalise_email


def subject_for(session: Session, email: str) -> DataSubject:
    """The subject for an address, with their account's id if they have one."""
    email = normalise_email(email)
    user_id = session.scalar(select(User.id).where(User.email == email))
    return DataSubject(email, user_id)


def subject_hash(email: str, secret_key: str | None = None) -> str:
    """HMAC-SHA256 of the normalised address, keyed with the instance's secret key.

    The erasure log keeps only this: it names nobody, but the same address
    gives the same hash for as long as the secret key stays the same.
    """
    key = secret_key if secret_key is not None else current_app.config["SECRET_KEY"]
    digest = hmac.new(key.encode(), normalise_email(email).encode(), hashlib.sha256)
    return digest.hexdigest()
