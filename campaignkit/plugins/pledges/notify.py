"""Mail and hooks after a signature: the confirmation link, ``campaignkit_pledge_signed``.

Mail is best effort: a message the server refuses is logged, and the
signature (already committed) still stands.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from campaignkit.core import (
    GeocodeError,
    MailError,
    Place,
    call_plugins,
    geocode,
    plugins_implement,
    send_mail,
)

if TYPE_CHECKING:
    from campaignkit.plugins.pledges.signing import Signed

log = logging.getLogger(__name__)
CONFIRM_SALT = "campaignkit-pledges-confirm"
UNSUBSCRIBE_SALT = "campaignkit-pledges-unsubscribe"


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(salt: str, signature_id: int, email: str) -> str:
    """A signed token naming one signature and its address."""
    return _serializer(salt).dumps([signature_id, email])


def read_token(salt: str, token: str) -> tuple[int, str] | None:
    """(signature id, email) from a token, or None when it was tampered with."""
    try:
        signature_id, email = _serializer(salt).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(signature_id), str(email)


def send_confirmation(pledge, signature_id: int, email: str) -> bool:  # noqa: ANN001
    """Mail the link that confirms a signature; False when the server refused it."""
    link = url_for(
        "pledges.confirm", token=make_token(CONFIRM_SALT, signature_id, email), _external=True
    )
    body = (
        f"Thank you for signing \u201c{pledge.title}\u201d.\n\n"
        f"Please open this link and press the button to confirm your signature:\n{link}\n\n"
        "If you did not sign, ignore this message and nothing more will happen."
    )
    try:
        send_mail(email, f"Confirm your signature: {pledge.title}", body)
    except MailError:
        log.exception("could not send the confirmation for signature %s", signature_id)
        return False
    return True


def pledge_signed(signed: Signed) -> None:
    """Call every plugin's ``campaignkit_pledge_signed`` for a new signature (a plugin that
    raises is logged); the pledge and signature objects are built only when one listens."""
    if signed.created and plugins_implement("campaignkit_pledge_signed"):
        call_plugins("campaignkit_pledge_signed", pledge=signed.pledge, signature=signed.signature)


def next_steps(pledge, signature, place) -> list[str]:  # noqa: ANN001
    """The HTML snippets plugins offer as a next step after signing."""
    results = call_plugins(
        "campaignkit_pledge_next_steps", pledge=pledge, signature=signature, place=place
    )
    return [str(html) for _name, html in results if html]


def signer_place(postcode: str) -> Place | None:
    """The place of a signer's postcode (with its seat), or None when it cannot be found."""
    try:
        return geocode(postcode)
    except GeocodeError:
        return None
