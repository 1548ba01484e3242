"""The concurrency proof: 100 signed-in volunteers press "next call" at the same moment, over
real HTTP against a live server, on SQLite and PostgreSQL: no contact is handed out twice.

There are fewer contacts (60) than volunteers, so every contact is handed out
exactly once and the other 40 volunteers are told nobody is waiting.
"""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from phonebank_helpers import TEL, uk_contacts

from campaignkit.plugins.phonebank.models import Target
from campaignkit.testing import CSRF_FIELD, TEST_PASSWORD

VOLUNTEERS, CONTACTS = 100, 60


#: Volunteers sign in a few at a time (signing in is not what this test is about).
SIGNING_IN = threading.Semaphore(8)


def _volunteer(base: str, number: int, campaign_id: int, barrier, pages: dict) -> None:  # noqa: ANN001
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with SIGNING_IN:
        token = CSRF_FIELD.search(opener.open(f"{base}/signin", timeout=60).read().decode())[1]
        form = {"email": f"caller{number}@example.org", "password": TEST_PASSWORD,
                "csrf_token": token}  # fmt: skip
        opener.open(f"{base}/signin", data=urllib.parse.urlencode(form).encode(), timeout=60)
        page = opener.open(f"{base}/phonebank/{campaign_id}", timeout=60).read().decode()
    data = urllib.parse.urlencode({"csrf_token": CSRF_FIELD.search(page)[1]}).encode()
    barrier.wait(timeout=120)
    response = opener.open(f"{base}/phonebank/{campaign_id}/next", data=data, timeout=120)
    pages[number] = (response.status, response.read().decode())


@pytest.mark.slow
def test_a_hundred_volunteers_at_once_never_get_the_same_contact(
    app,
    make_user,
    make_campaign,
    live_server,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(CONTACTS))
    for number in range(VOLUNTEERS):
        make_user(f"caller{number}@example.org", role="volunteer")
    barrier, pages = threading.Barrier(VOLUNTEERS), {}
    threads = [
        threading.Thread(target=_volunteer, args=(live_server, n, campaign_id, barrier, pages))
        for n in range(VOLUNTEERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert sorted(pages) == list(range(VOLUNTEERS))
    assert {status for status, _page in pages.values()} == {200}
    handed = [TEL.findall(page) for _status, page in pages.values()]
    numbers = Counter(number for found in handed for number in found)
    assert all(len(found) <= 1 for found in handed)
    assert len(numbers) == CONTACTS and set(numbers.values()) == {1}  # each exactly once
    nobody = [p for _s, p in pages.values() if "Nobody is waiting for a call" in p]
    assert len(nobody) == VOLUNTEERS - CONTACTS
    leased = [t.leased_to for t in rows(Target) if t.leased_to is not None]
    assert len(leased) == CONTACTS == len(set(leased))
