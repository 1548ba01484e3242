"""``/healthz`` names the failing part (database, Redis) with a 503; ``/metrics`` counts
requests per route rule and the job queue, for organisers or the configured token."""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine

from campaignkit.core.db import Database
from campaignkit.core.jobs import JobRecord
from campaignkit.core.session import write_session
from campaignkit.testing import FAST_HASHING, edit_config, free_port

TOKEN = "scrape-" + "fedcba9876543210" * 2


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The test instance, hashing passwords quickly, with a metrics token."""
    edit_config(ck_instance, accounts=FAST_HASHING, server={"metrics_token": TOKEN})
    return ck_instance


def test_healthz_ok(client, app):  # noqa: ANN001
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    dialect = app.extensions["campaignkit"].database.engine.dialect.name
    assert body == {
        "status": "ok",
        "database": dialect,
        "checks": {"database": "ok", "redis": "not configured"},
        "failing": [],
    }


def test_healthz_names_redis_while_it_is_down(instance, make_app):  # noqa: ANN001
    edit_config(instance, campaign={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    answer = make_app().test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert (body["status"], body["failing"]) == ("failing", ["redis"])
    assert (
        body["checks"]["redis"].startswith("unreachable (") and body["checks"]["database"] == "ok"
    )
    assert "127.0.0.1" not in answer.text  # what is wrong, not where it lives


@pytest.fixture
def redis_instance(instance: Path) -> Path:
    """The test instance on the running Redis of ``CAMPAIGNKIT_TEST_REDIS_URL`` (else skipped)."""
    url = os.environ.get("CAMPAIGNKIT_TEST_REDIS_URL")
    if not url:
        pytest.skip("set CAMPAIGNKIT_TEST_REDIS_URL to check a running Redis")
    edit_config(instance, campaign={"redis_url": url})
    return instance


def test_healthz_with_redis_up(redis_instance, make_app):  # noqa: ANN001
    answer = make_app().test_client().get("/healthz")
    assert answer.status_code == 200 and answer.get_json()["checks"]["redis"] == "ok"


def test_healthz_first_checks_at_once_all_find_redis(redis_instance, make_app, monkeypatch):  # noqa: ANN001
    """A worker's first health checks come together under load; none may find Redis's
    client half-made (a load test once saw ``unreachable (KeyError)`` and a 503)."""
    app = make_app()
    made = redis.Redis.from_url

    def slowly_made(address: str, **options: object) -> redis.Redis:
        time.sleep(0.2)  # as a busy worker may take: the other threads check meanwhile
        return made(address, **options)

    monkeypatch.setattr(redis.Redis, "from_url", slowly_made)
    start = threading.Barrier(8)

    def check(_number: int) -> dict:
        client = app.test_client()
        start.wait()
        return client.get("/healthz").get_json()["checks"]

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(check, range(8)))
    assert [answer["redis"] for answer in answers] == ["ok"] * 8


def test_healthz_names_the_database_while_it_is_down(app):  # noqa: ANN001
    database = app.extensions["campaignkit"].database
    working = database.engine
    database.engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    try:
        answer = app.test_client().get("/healthz")
    finally:
        database.engine.dispose()
        database.engine = working
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["failing"] == ["database"] and body["checks"]["database"].startswith("unreachable")


def test_pages_and_the_api_answer_503_while_the_database_is_down(app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    working = state.database
    state.database = Database(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    try:
        client = app.test_client()
        page, api = client.get("/events"), client.get("/api/v1/events")
    finally:
        state.database.dispose()
        state.database = working
    assert page.status_code == 503 and "try again in a minute" in page.text
    assert "127.0.0.1" not in page.text  # what is wrong, not where it lives
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"]["code"] == "unavailable"
    assert app.test_client().get("/events").status_code == 200  # back at once


def _requests_counted(text: str, route: str, status: str) -> float:
    labels = f'method="GET",route="{route}",status="{status}"'
    pattern = r"campaignkit_http_requests_total\{" + re.escape(labels) + r"\} (\S+)"
    found = re.search(pattern, text)
    return float(found[1]) if found else 0.0


def test_metrics_count_routes_and_jobs_for_organisers_or_the_token(
    app,
    client,
    make_user,
    login,  # noqa: ANN001
):
    with app.app_context(), write_session() as session:
        now = datetime.now(UTC)
        session.add(
            JobRecord(
                id="j-1",
                name="x.y",
                title="Broken",
                status="failed",
                created_at=now,
                updated_at=now,
            )
        )
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scrape = {"Authorization": f"Bearer {TOKEN}"}
    before = _requests_counted(client.get("/metrics", headers=scrape).text, "/api/v1/events", "200")
    for event_id in (1, 2, 3):  # three paths, one route rule
        client.get(f"/events/{event_id}")
    client.get("/api/v1/events")
    client.get("/api/v1/events")
    answer = client.get("/metrics", headers=scrape)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    text = answer.text
    assert _requests_counted(text, "/api/v1/events", "200") == before + 2
    assert _requests_counted(text, "/events/<int:event_id>", "404") >= 3
    assert "/events/1" not in text
    assert (
        'campaignkit_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/v1/events"}'
        in text
    )
    assert "campaignkit_jobs_queued 0.0" in text
    assert "campaignkit_jobs_failed 1.0" in text

    supporter, organiser = make_user("s@example.org"), make_user("o@example.org", "organiser")
    login(client, supporter)
    assert client.get("/metrics").status_code == 403
    other = app.test_client()
    login(other, organiser)
    assert other.get("/metrics").status_code == 200
