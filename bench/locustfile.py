"""Locust users for the election-day load test (``bench/election_day.py`` starts locust on it).

A polling-week mix: 30% the seat finder page and 30% ``/api/v1/marginals/nearest`` for a
real postcode, 10% the events page and 10% the events API near a postcode district,
10% an event's page, 8% signing the pledge, 2% an RSVP. ``Bare`` asks only ``/healthz``,
the baseline. Each simulated supporter keeps one server of the list for all its requests
(so the users are spread over the servers), its own cookies, and its own address in
``X-Forwarded-For`` (the instance trusts one proxy), as visitors behind a proxy have.

Set by the environment: ``CK_LOAD_HOSTS`` (base URLs, comma-separated), ``CK_LOAD_DATA`` (a
JSON file: postcodes, districts, event ids, RSVP event ids) and ``CK_LOAD_OUT`` (where the
outcomes go when locust quits: exact response times per kind, successes and failures per
server and second, and every pledge signature and RSVP that got a success answer).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from urllib.parse import quote, urlsplit

import _path  # noqa: F401  (bench/ goes to the end of sys.path)
from locust import FastHttpUser, events, task

HOSTS = os.environ.get("CK_LOAD_HOSTS", "http://127.0.0.1:8000").split(",")
DATA = json.loads(open(os.environ["CK_LOAD_DATA"]).read()) if "CK_LOAD_DATA" in os.environ else {}  # noqa: SIM115
PLEDGE = "/pledges/polling-week"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACKNOWLEDGED_RSVP = ("saved your place", "so you are on the waitlist")  # the flashes
_numbers = itertools.count()
#: kind -> response times (ms); host -> second -> [ok, failed]; acknowledged writes.
OUTCOMES: dict = {
    "times": defaultdict(list), "hosts": defaultdict(lambda: defaultdict(lambda: [0, 0])),
    "signatures": [], "rsvps": [], "failures": defaultdict(int), "span": [0.0, 0.0],
}  # fmt: skip


#: host -> when a request to it last failed (time.monotonic()).
LAST_FAILURE: dict[str, float] = defaultdict(float)
#: How long a visitor whose server just failed waits before the next request (seconds).
PAUSE_AFTER_FAILURE_S = 0.5


@events.request.add_listener
def _record(name, response_time, exception, context, url=None, **_kwargs):  # noqa: ANN001, ANN202
    """Keep each request's exact time, and whether it succeeded per server and second."""
    OUTCOMES["times"][name].append(response_time)
    now = time.time()
    OUTCOMES["span"] = [OUTCOMES["span"][0] or now - response_time / 1000, now]
    host = urlsplit(url or "").netloc or "?"
    OUTCOMES["hosts"][host][int(now)][1 if exception else 0] += 1
    if exception:
        OUTCOMES["failures"][f"{name}: {str(exception)[:120]}"] += 1
        LAST_FAILURE[host] = time.monotonic()


@events.quitting.add_listener
def _write_outcomes(**_kwargs):  # noqa: ANN202
    if "CK_LOAD_OUT" in os.environ:
        with open(os.environ["CK_LOAD_OUT"], "w", encoding="utf-8") as out:
            json.dump(OUTCOMES, out)


class Visitor(FastHttpUser):
    """One visitor on one of the servers, with its own address."""

    abstract = True
    host = HOSTS[0]

    def __init__(self, environment) -> None:  # noqa: ANN001
        self.number = next(_numbers)
        self.host = HOSTS[self.number % len(HOSTS)]
        super().__init__(environment)
        self.address = f"10.{self.number // 250 % 250}.{self.number % 250}.{os.getpid() % 250}"
        self.rng = random.Random(self.number)
        self.token = ""
        self.writes = 0

    def wait_time(self) -> float:
        """None between requests; a moment after its server failed, as a person pauses."""
        failed = LAST_FAILURE[urlsplit(self.host).netloc]
        return PAUSE_AFTER_FAILURE_S if time.monotonic() - failed < PAUSE_AFTER_FAILURE_S else 0

    def get(self, path: str, name: str, **kwargs):  # noqa: ANN003, ANN201
        """GET a path as this visitor."""
        return self.client.get(path, name=name, headers={"X-Forwarded-For": self.address}, **kwargs)


class Bare(Visitor):
    """The baseline: only the bare route."""

    @task
    def bare(self) -> None:
        """GET /healthz."""
        self.get("/healthz", "bare /healthz")


class Supporter(Visitor):
    """A supporter in polling week."""

    def postcode(self) -> str:
        """A real postcode, URL-encoded."""
        return quote(self.rng.choice(DATA["postcodes"]))

    @task(30)
    def seat_finder(self) -> None:
        """The seat finder page for a postcode."""
        mode = self.rng.choice(("nearest", "need"))
        self.get(f"/seats?postcode={self.postcode()}&mode={mode}", "seat finder /seats")

    @task(30)
    def nearest(self) -> None:
        """The nearest-marginals API for a postcode."""
        mode = self.rng.choice(("nearest", "need"))
        path = f"/api/v1/marginals/nearest?postcode={self.postcode()}&mode={mode}&limit=5"
        self.get(path, "nearest /api/v1/marginals/nearest")

    @task(10)
    def events_page(self) -> None:
        """The events page near a postcode district."""
        near = quote(self.rng.choice(DATA["districts"]))
        self.get(f"/events?near={near}", "events near /events")

    @task(10)
    def events_api(self) -> None:
        """The events API near a postcode district."""
        near = quote(self.rng.choice(DATA["districts"]))
        self.get(f"/api/v1/events?near={near}&radius_km=25", "events near /api/v1/events")

    @task(10)
    def event_page(self) -> None:
        """One event's page."""
        self.get(f"/events/{self.rng.choice(DATA['event_ids'])}", "event page /events/<id>")

    def _token(self) -> bool:
        """The session's CSRF token, read once from the pledge page."""
        if not self.token:
            with self.get(PLEDGE, "pledge page (token)", catch_response=True) as page:
                found = CSRF.search(page.text or "") if page.status_code == 200 else None
                if found is None:
                    page.failure(f"no form (HTTP {page.status_code})")
                    return False
                self.token = found.group(1)
        return True

    def _post(self, path: str, form: dict, name: str):  # noqa: ANN201
        headers = {"X-Forwarded-For": self.address,
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        body = "&".join(f"{key}={quote(value)}" for key, value in form.items())
        return self.client.post(path, data=body, headers=headers, name=name,
                                allow_redirects=False, catch_response=True)  # fmt: skip

    @task(8)
    def sign(self) -> None:
        """Sign the pledge with a new address; a 303 acknowledges it."""
        if not self._token():
            return
        self.writes += 1
        email = f"s{self.number}-{self.writes}-{os.getpid()}@example.org"
        form = {"csrf_token": self.token, "name": "Polling Week", "email": email,
                "postcode": "SW1A 1AA", "consent": "yes"}  # fmt: skip
        with self._post(f"{PLEDGE}/sign", form, "pledge sign") as answer:
            if answer.status_code == 303:
                OUTCOMES["signatures"].append(email)
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")

    @task(2)
    def rsvp(self) -> None:
        """RSVP to an event as a guest; the page it leads to says whether the place is held."""
        if not self._token():
            return
        self.writes += 1
        event_id = self.rng.choice(DATA["rsvp_event_ids"])
        email = f"r{self.number}-{self.writes}-{os.getpid()}@example.org"
        form = {"csrf_token": self.token, "name": "Polling Week", "email": email, "consent": "yes"}
        with self._post(f"/events/{event_id}/rsvp", form, "rsvp") as answer:
            if answer.status_code != 303:
                answer.failure(f"HTTP {answer.status_code}")
                return
            answer.success()
        with self.get(f"/events/{event_id}", "rsvp: page after", catch_response=True) as page:
            if any(words in (page.text or "") for words in ACKNOWLEDGED_RSVP):
                OUTCOMES["rsvps"].append([event_id, email])
            elif page.status_code == 200:
                page.failure("the RSVP was not taken")
