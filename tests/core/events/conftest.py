"""Events tests: a district geocoder, quick hashing, one-call events, a live server.

Mail goes to the instance's outbox (no mail server is configured), which the
``outbox`` fixture reads.
"""

from __future__ import annotations

import email
import importlib
from collections.abc import Callable
from datetime import date, timedelta
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from campaignkit.testing import FAST_HASHING, edit_config

PLUGINS_DIR = Path(__file__).resolve().parents[2] / "test_plugins"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:  # noqa: D103 - overrides the plugin fixture
    """The test instance, hashing passwords quickly."""
    edit_config(ck_instance, accounts=FAST_HASHING)
    return ck_instance


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Only the share plugin from the kit: postcodes come from the test geocoder below."""
    return ["share"]


@pytest.fixture
def geocoder(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The test-only geocoder plugin (the UK kit's postcode districts)."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    return importlib.import_module("uk_districts")


@pytest.fixture
def ck_app(ck_make_app: Callable[..., Flask], geocoder: Any) -> Flask:
    """The test app with the district geocoder enabled."""
    return ck_make_app(extra_plugins=[("uk_districts", geocoder)])


def valid_form(**overrides: Any) -> dict[str, str]:
    """Form fields for a valid canvass tomorrow in central London."""
    fields = {
        "type": "canvass",
        "title": "Door knocking in Westminster",
        "description": "Meet at the café.",
        "date": TOMORROW,
        "start": "10:00",
        "end": "13:00",
        "timezone": "Europe/London",
        "venue": "Church Hall",
        "address": "1 Example Street",
        "postcode": "SW1A 1AA",
        "capacity": "10",
        "chat_url": "https://chat.whatsapp.com/AbCdEfGhIjKlMnOp12",
        "accessibility": "Step-free access",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture
def event_form() -> Callable[..., dict[str, str]]:
    """``event_form(**changes)``: the fields of a valid event form, changed as asked."""
    return valid_form


@pytest.fixture
def add_event(app: Flask) -> Callable[..., Any]:
    """``add_event(**form_fields)``: save an approved event (no host) and return it."""
    from campaignkit.core.events.service import create_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    def add(**overrides: Any) -> Any:
        with app.test_request_context():
            return create_event(clean_event(valid_form(**overrides), event_types()), None)

    return add


@pytest.fixture
def outbox(instance: Path) -> Callable[[], list[Any]]:
    """``outbox()``: every message the app has written to the instance's outbox."""

    def read() -> list[Any]:
        folder = instance / "outbox"
        return [
            email.message_from_bytes(p.read_bytes(), policy=default_policy)
            for p in sorted(folder.glob("*.eml"))
        ]

    return read
