"""Phone bank tests: an instance with the phonebank plugin, and helpers to fill a campaign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from campaignkit.testing import FAST_HASHING, edit_config

UK_PLUGINS = ["share", "marginals", "phonebank"]
US_PLUGINS = ["share", "zipcodes", "phonebank"]


@pytest.fixture
def campaignkit_plugins(campaignkit_kit: str) -> list[str]:
    """The kit's geography and the phone bank."""
    return US_PLUGINS if campaignkit_kit == "us" else UK_PLUGINS


#: Calling hours that never close, for tests that call at the real time of day.
ALL_DAY = {"calling_starts": "00:00", "calling_ends": "24:00"}


@pytest.fixture
def phonebank_settings() -> dict:
    """Extra ``[plugins.phonebank]`` settings for this test's instance (calling all day)."""
    return ALL_DAY


@pytest.fixture
def ck_instance(ck_instance: Path, phonebank_settings: dict) -> Path:
    """The test instance with cheap password hashing and this test's phone bank settings."""
    edit_config(ck_instance, accounts=FAST_HASHING, **{"plugins.phonebank": phonebank_settings})
    return ck_instance


@pytest.fixture
def in_app(app) -> Callable[..., Any]:  # noqa: ANN001
    """``in_app(fn, *args)``: ``fn(session, *args)`` in a write session in a request context."""
    from campaignkit.core import write_session

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with app.test_request_context(), write_session() as session:
            return fn(session, *args, **kwargs)

    return run


@pytest.fixture
def make_campaign(in_app) -> Callable[..., int]:  # noqa: ANN001
    """``make_campaign(csv_text, questions=[...], status="running")``: a list imported from the CSV
    and a campaign on it; returns the campaign's id."""
    from campaignkit.plugins.phonebank.importing import import_contacts
    from campaignkit.plugins.phonebank.models import CallList, PhoneCampaign
    from campaignkit.plugins.phonebank.queue import fill_targets

    def make(csv_text: str, questions: list | None = None, status: str = "running") -> int:
        def build(session) -> int:  # noqa: ANN001
            now = datetime.now(UTC)
            call_list = CallList(name="Members", lawful_basis="Members who agreed to calls",
                                 created_at=now)  # fmt: skip
            session.add(call_list)
            session.flush()
            campaign = PhoneCampaign(
                list_id=call_list.id, title="Get out the vote", status=status, created_at=now,
                script="Hello {first_name}, I am calling about {seat}.",
                questions=questions if questions is not None else
                [{"question": "Will you vote?", "options": ["Yes", "No", "Maybe"]}],
            )  # fmt: skip
            session.add(campaign)
            session.flush()
            import_contacts(session, call_list, csv_text.encode())
            fill_targets(session, list_id=call_list.id)
            return campaign.id

        return in_app(build)

    return make
