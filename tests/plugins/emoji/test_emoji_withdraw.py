"""With ``erase_withdraws_art`` on, erasing a submitter withdraws their art."""

from __future__ import annotations

import pytest

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.plugins.emoji.models import APPROVED, Art


@pytest.fixture
def emoji_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"erase_withdraws_art": True}


def test_erasure_withdraws_the_art_when_the_setting_says_so(backend, app, approved_by_volunteer,
                                                            rows):  # noqa: ANN001 # fmt: skip
    assert rows(Art)[0].status == APPROVED
    with app.test_request_context():
        assert erase_person("vol@example.org", "cli")["emoji"] == 2
    assert rows(Art) == []
    assert ":red_rose:" not in app.test_client().get("/emoji/roses").get_data(as_text=True)
