"""The helpers plugins use instead of the app's internals: links, jobs and per-app storage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, url_for

from campaignkit.core import app_store, db_session, enqueue_job, public_url, public_url_context
from campaignkit.core.jobs import JobRecord
from campaignkit.testing import edit_config

PURGE = "campaignkit.core.jobs.purge_job_records"


def test_links_made_outside_a_request_point_at_the_public_url(
    instance: Path, make_app: Callable[..., Flask]
):
    edit_config(instance, server={"public_url": "https://campaign.example.org"})
    app = make_app()
    assert public_url(app) == "https://campaign.example.org"
    with public_url_context(app):
        assert url_for("core.job_page", job_id="x", _external=True) == (
            "https://campaign.example.org/jobs/x"
        )


def test_a_job_starts_by_name_and_an_unknown_name_is_refused(app: Flask, immediate_jobs):  # noqa: ANN001
    with app.test_request_context():
        job_id = enqueue_job(PURGE, days=30)
        assert db_session().get(JobRecord, job_id).status == "done"
        with pytest.raises(LookupError, match="no job named 'nope'.*" + PURGE):
            enqueue_job("nope")


def test_each_name_has_its_own_store_in_each_app(make_app: Callable[..., Flask]):
    first, second = make_app(), make_app()
    with first.app_context():
        app_store("doorknock")["total"] = 3
        assert app_store("doorknock") is app_store("doorknock", first)
        assert app_store("other") == {}
    assert app_store("doorknock", second) == {}
    assert app_store("doorknock", first) == {"total": 3}
