"""The job progress page in a real browser: readable on a phone, updating without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from pagecheck import contrast, page_width

from campaignkit.core.jobs import JobRecord

pytestmark = pytest.mark.browser


def add_job(app: Flask, job_id: str, **values: Any) -> None:
    """Put a row in ck_jobs, as ``JobHandle.enqueue`` and a worker's progress would."""
    now = datetime.now(UTC)
    row = {"name": "tests.import_results", "title": "Import election results"}
    row.update(values)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(JobRecord(id=job_id, created_at=now, updated_at=now, **row))


def set_job(app: Flask, job_id: str, **values: Any) -> None:
    """Change a job's row, as the worker does."""
    with app.extensions["campaignkit"].database.write() as session:
        record = session.get(JobRecord, job_id)
        for key, value in values.items():
            setattr(record, key, value)


def test_running_job_shows_progress_and_updates_without_javascript(
    new_page: Callable[..., Any], app: Flask, live_url: str
) -> None:
    add_job(app, "job-1", status="running", done=212, total=650, message="Bristol North West")
    page = new_page(java_script_enabled=False)
    page.goto(live_url + "/jobs/job-1")
    assert page.locator("h1").inner_text() == "Import election results"
    assert page.get_by_role("progressbar").get_attribute("value") == "33"
    assert "212 of 650" in page.locator(".job-count").inner_text()
    assert page.locator(".badge").inner_text() == "Running"
    assert page.get_by_text("Bristol North West").is_visible()
    assert page_width(page) <= 390
    for selector in (".badge", ".job-count", ".job-message", "h1"):
        assert contrast(page.locator(selector)) >= 4.5, selector
    # The page refreshes itself (a meta refresh, no script) until the job is over.
    set_job(app, "job-1", status="done", done=650, message="Done")
    page.locator(".badge", has_text="Finished").wait_for(timeout=6_000)
    assert page.get_by_role("progressbar").get_attribute("value") == "100"
    assert page.locator('meta[http-equiv="refresh"]').count() == 0


def test_failed_job_says_what_went_wrong(phone: Any, app: Flask, live_url: str) -> None:
    add_job(app, "job-2", status="failed", done=10, total=None, message="ValueError: bad row 11")
    phone.goto(live_url + "/jobs/job-2")
    alert = phone.get_by_role("alert")
    assert alert.inner_text() == "ValueError: bad row 11"
    assert contrast(alert) >= 4.5
    assert phone.locator(".badge").inner_text() == "Failed"
    assert phone.get_by_role("progressbar").count() == 0
    assert phone.locator('meta[http-equiv="refresh"]').count() == 0


def test_unknown_job_is_a_themed_404(phone: Any, live_url: str) -> None:
    response = phone.goto(live_url + "/jobs/no-such-job")
    assert response is not None and response.status == 404
    assert phone.locator(".site-header .site-name").is_visible()
