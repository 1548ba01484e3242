"""Shared steps of the blocklists tests."""

from __future__ import annotations

X_ID = "783214"


def entry_form(**overrides: str) -> dict[str, str]:
    """A valid add-entry form."""
    fields = {"platform": "x", "account_id": X_ID, "handle": "@Troll_1", "reason": "abuse",
              "evidence": "https://example.org/screenshot/1"}  # fmt: skip
    fields.update(overrides)
    return fields
