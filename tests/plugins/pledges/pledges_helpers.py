"""Shared steps of the pledges tests."""

from __future__ import annotations

import io

from PIL import Image


def sign_form(**overrides: str) -> dict[str, str]:
    """A valid signing form."""
    fields = {
        "name": "Ann Example", "email": "ann@example.org", "postcode": "SW1A 1AA",
        "consent": "yes", "show_name": "yes",
    }  # fmt: skip
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def confirm_path(mailbox, address: str) -> str:  # noqa: ANN001 - the mailbox fixture
    """The path of the confirmation link in the latest mail to an address."""
    return "/" + mailbox.last_link(address).split("://", 1)[1].split("/", 1)[1]


def confirm_by_mail(client, mailbox, address: str, csrf_token):  # noqa: ANN001, ANN201
    """Open the mailed confirmation link and send its form; returns the POST's response."""
    path = confirm_path(mailbox, address)
    assert client.get(path).status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(client)})


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    """A small red PNG picture."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 16, 46)).save(out, "PNG")
    return out.getvalue()
