"""Shared steps of the pledges tests."""

from __future__ import annotations


def sign_form(**overrides: str) -> dict[str, str]:
    """A valid signing form."""
    fields = {
        "name": "Ann Example", "email": "ann@example.org", "postcode": "SW1A 1AA",
        "consent": "yes", "show_name": "yes",
    }  # fmt: skip
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}
