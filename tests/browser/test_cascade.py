"""A supporter on a phone opens a cascade message and forwards it with their own link."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pagecheck import page_width
from sqlalchemy import select

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
ROOT = "1-browserroot1"


def _start_cascade(app: Any) -> None:
    from campaignkit.plugins.cascade.models import RUNNING, TARGETS, Cascade, Node

    now = datetime.now(UTC)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Cascade(id=1, title="Vote today", text="Polls close at 10pm. Pass it on!",
                            link="https://example.org/polling", status=RUNNING,
                            created_at=now))  # fmt: skip
        session.flush()
        session.add(Node(code=ROOT, cascade_id=1, parent_id=None, generation=0, opened_at=now,
                         **{f"forwards_{t}": 0 for t in TARGETS}))  # fmt: skip


def _nodes(app: Any) -> list[Any]:
    from campaignkit.plugins.cascade.models import Node

    with app.extensions["campaignkit"].database.new_session() as session:
        return list(session.execute(select(Node.code, Node.generation, Node.forwards_signal)))


def test_a_supporter_opens_a_cascade_on_a_phone_and_forwards_it(
    phone: Any, app: Any, live_url: str
) -> None:
    _start_cascade(app)
    phone.goto(f"{live_url}/c/{ROOT}")
    main = phone.locator("main").inner_text()
    assert "Polls close at 10pm" in main and "1 person has passed this on" in main
    assert page_width(phone) <= PHONE_WIDTH
    phone.goto(f"{live_url}/c/{ROOT}")  # opening it again is the same opener
    assert "1 person has passed this on" in phone.locator("main").inner_text()
    (mine,) = [code for code, generation, _ in _nodes(app) if generation == 1]

    phone.get_by_role("button", name="Forward on Signal").click()
    phone.wait_for_url(re.compile(rf"/c/{re.escape(mine)}/message\?share=signal"))
    message = phone.locator("#cascade-message-text").input_value()
    assert message.startswith("Polls close at 10pm") and message.endswith(f"/c/{mine}")
    assert "paste it into Signal" in phone.locator("main").inner_text()
    assert page_width(phone) <= PHONE_WIDTH
    assert sorted((gen, fwd) for _code, gen, fwd in _nodes(app)) == [(0, 0), (1, 1)]
