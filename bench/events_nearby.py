"""Benchmark: events near a postcode, with 21,000 events spread over Great Britain.

Builds a throwaway instance (SQLite unless ``--database-url`` is given), puts
21,000 approved events at postcode districts all over Great Britain (jittered
by up to ~2 km), then asks ``GET /api/v1/events?near=DISTRICT&radius_km=25``
for random districts. Server-side time is measured around the WSGI app (from
the request arriving to the last byte of the response). In the same run it
times ``GET /events/<id>.ics``, a primary-key fetch of one event, and prints
the ratio. Also the same two at the query level (``find_events`` against
``session.get``), and the first search's time apart: it reads every approved
event into the worker (again after each event change). Target: p95 <= 5 ms on
SQLite and PostgreSQL.

Places come from the shared postcode district table when it is beside the
repository (../shared/data/uk/postcode_districts_gb.csv), else from the UK
kit's sample places.

    python bench/events_nearby.py [--events 21000] [--queries 400] [--postgres ADMIN_URL]

With ``--postgres`` (a role that may create databases) the run uses a new
database of its own and drops it afterwards.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from campaignkit import hookimpl
from campaignkit.core import Place
from campaignkit.core.app import create_app
from campaignkit.core.changes import changed
from campaignkit.core.events.models import Event
from campaignkit.core.events.queries import Search, find_events
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import migrate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "uk" / "postcode_districts_gb.csv"
KIT_PLACES = ROOT / "campaignkit" / "kits" / "uk" / "data" / "demo_events.csv"


def load_places() -> dict[str, tuple[float, float]]:
    """District -> (lat, lon)."""
    path = SHARED if SHARED.is_file() else KIT_PLACES
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["district"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)}


class DistrictGeocoder:
    """A geocoder plugin for the benchmark: a district's centre."""

    def __init__(self, places: dict[str, tuple[float, float]]):
        self.places = places

    @hookimpl
    def campaignkit_geocode(self, query):
        """The district's centre, or None."""
        found = self.places.get(query.strip().upper())
        return Place(query, query, *found, "district") if found else None


class Timer:
    """WSGI middleware that records how long each request takes inside the server."""

    def __init__(self, app):  # noqa: ANN001
        self.app, self.samples = app, []

    def __call__(self, environ, start_response):  # noqa: ANN001, ANN204
        started = time.perf_counter()
        body = b"".join(self.app(environ, start_response))
        self.samples.append(time.perf_counter() - started)
        return [body]


def fill(app, places: dict, count: int, rng: random.Random) -> list[int]:  # noqa: ANN001
    """Insert ``count`` approved events over the next 8 weeks; returns their ids."""
    now = datetime.now(UTC)
    spots = list(places.values())
    rows = []
    for number in range(count):
        lat, lon = rng.choice(spots)
        start = now + timedelta(days=rng.randint(1, 56), hours=rng.randint(0, 10))
        rows.append(
            dict(
                type=rng.choice(("canvass", "canvass", "phonebank", "social", "training")),
                title=f"Event {number}", description="Bench event.", starts_at=start,
                ends_at=start + timedelta(hours=3), timezone="Europe/London", venue="Hall",
                address="", postcode="X", lat=lat + rng.uniform(-0.02, 0.02),
                lon=lon + rng.uniform(-0.03, 0.03), capacity=rng.choice((None, 10, 20)), going=0,
                members_only=False, accessibility="", status="approved", moderation_note="",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
    with app.extensions["campaignkit"].database.write() as session:
        session.execute(insert(Event), rows)
    with app.extensions["campaignkit"].database.new_session() as session:
        return list(session.scalars(Event.__table__.select().with_only_columns(Event.id)))


@contextmanager
def database(admin_url: str | None) -> Iterator[str | None]:
    """None (SQLite in the instance), or the URL of a new PostgreSQL database dropped after."""
    if not admin_url:
        yield None
        return
    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"ck_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=21_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--radius-km", type=float, default=25.0)
    parser.add_argument("--postgres", default=None, help="admin URL: run on PostgreSQL")
    options = parser.parse_args()
    rng = random.Random(7)
    places = load_places()
    with tempfile.TemporaryDirectory() as folder, database(options.postgres) as url:
        instance = init_instance(Path(folder) / "bench", kit="uk", name="Bench", database_url=url)
        app = migrate(create_app(instance, extra_plugins=[("bench", DistrictGeocoder(places))]))
        ids = fill(app, places, options.events, rng)
        timer = Timer(app.wsgi_app)
        app.wsgi_app = timer
        client = app.test_client()
        districts = list(places)
        totals = []
        for round_number in range(2 * options.queries):  # near and key fetches interleaved
            if round_number % 2 == 0:
                near = rng.choice(districts)
                response = client.get(f"/api/v1/events?near={near}&radius_km={options.radius_km:g}")
                totals.append(response.get_json()["total"])
            else:
                client.get(f"/events/{rng.choice(ids)}.ics")
        warm = 20  # leave out the first requests (caches, first connections)
        near_ms = summary(timer.samples[0::2][warm:])
        key_ms = summary(timer.samples[1::2][warm:])
        rebuilt_ms = []  # the first search after an event change reads every approved event
        for _ in range(3):
            with app.test_request_context():
                changed("event_search", "events")
            client.get(f"/api/v1/events?near={rng.choice(districts)}&radius_km=25")
            rebuilt_ms.append(timer.samples[-1] * 1000)
        with app.test_request_context():
            session = app.extensions["campaignkit"].database.new_session()
            query_s, get_s = [], []
            for _ in range(options.queries):
                lat, lon = places[rng.choice(districts)]
                started = time.perf_counter()
                find_events(session, Search(lat=lat, lon=lon, radius_km=options.radius_km,
                                            start=datetime.now(UTC)))  # fmt: skip
                query_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                session.get(Event, rng.choice(ids), populate_existing=True)
                get_s.append(time.perf_counter() - started)
            session.close()
        backend = app.extensions["campaignkit"].database.engine.dialect.name
        app.extensions["campaignkit"].database.dispose()
    query_ms, get_ms = summary(query_s), summary(get_s)
    print(f"backend: {backend}; events: {options.events}; queries: {options.queries}; "
          f"radius: {options.radius_km:g} km; places: {len(places)}")  # fmt: skip
    print(f"events found per query: median {statistics.median(totals):.0f}, max {max(totals)}")
    print(f"GET /api/v1/events?near=...   median {near_ms[0]:.2f} ms  p95 {near_ms[1]:.2f} ms")
    print(f"first search after an event change (reads every approved event): "
          f"{statistics.median(rebuilt_ms):.0f} ms (median of 3)")  # fmt: skip
    print(f"GET /events/<id>.ics (by key) median {key_ms[0]:.2f} ms  p95 {key_ms[1]:.2f} ms")
    print(f"ratio nearby/key request:     median {near_ms[0] / key_ms[0]:.2f}  "
          f"p95 {near_ms[1] / key_ms[1]:.2f}")  # fmt: skip
    print(f"query level: find_events median {query_ms[0]:.2f} ms p95 {query_ms[1]:.2f} ms; "
          f"session.get median {get_ms[0]:.3f} ms p95 {get_ms[1]:.3f} ms; "
          f"ratio (median) {query_ms[0] / get_ms[0]:.1f}")  # fmt: skip
    print(f"target p95 <= 5 ms on {backend}: {'met' if near_ms[1] <= 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
