"""``/metrics`` in the Prometheus text format: requests and latencies per route, the job queue.

Requests are counted by route rule (``/events/<int:event_id>``, never the raw
path) with prometheus_client. Under ``campaignkit serve`` every gunicorn worker
is its own process, so ``serve`` points prometheus_client's multiprocess mode
at a fresh folder (``PROMETHEUS_MULTIPROC_DIR``) before the workers start and a
scrape adds up every worker's files; the job queue's depth and the failed jobs
are read from the queue and the database when scraped. prometheus_client is
imported on first use, after ``serve`` has chosen the mode.

The page is for organisers (the ``site.metrics`` permission) or a scraper that
sends ``Authorization: Bearer <[server] metrics_token>``.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, abort, g, request
from flask_login import current_user
from sqlalchemy import func, select

from campaignkit.core.auth.access import has_permission
from campaignkit.core.jobs import JobRecord
from campaignkit.core.session import db_session
from campaignkit.core.state import app_state, current_instance

bp = Blueprint("metrics", __name__)
PERMISSION = "site.metrics"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: Latency buckets in seconds: the fast API answers to slow pages and uploads.
BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_metrics: dict[str, Any] = {}


def _request_metrics() -> dict[str, Any]:
    """This process's request counter and histogram, made on first use."""
    if not _metrics:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        registry = CollectorRegistry()
        _metrics["registry"] = registry
        _metrics["requests"] = Counter(
            "campaignkit_http_requests",
            "HTTP requests answered, by method, route rule and status.",
            ("method", "route", "status"),
            registry=registry,
        )
        _metrics["latency"] = Histogram(
            "campaignkit_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route rule.",
            ("method", "route"),
            buckets=BUCKETS,
            registry=registry,
        )
    return _metrics


def _started() -> None:
    g.ck_metrics_started = time.perf_counter()


def _answered(response: Response) -> Response:
    started = g.pop("ck_metrics_started", None)
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        metrics = _request_metrics()
        metrics["requests"].labels(request.method, rule, str(response.status_code)).inc()
        metrics["latency"].labels(request.method, rule).observe(time.perf_counter() - started)
    return response


def configure(app: Flask) -> None:
    """Count every request of the app and serve ``/metrics``."""
    app.before_request(_started)
    app.after_request(_answered)
    app.register_blueprint(bp)


def _queue_text() -> bytes:
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    registry = CollectorRegistry()
    pending = Gauge("campaignkit_jobs_queued", "Jobs waiting in the queue.", registry=registry)
    pending.set(app_state().huey.pending_count())
    counts = dict(
        db_session()
        .execute(select(JobRecord.status, func.count()).group_by(JobRecord.status))
        .all()
    )
    jobs = Gauge("campaignkit_jobs", "Jobs on record, by status.", ("status",), registry=registry)
    for status in ("queued", "running", "done", "failed"):
        jobs.labels(status).set(counts.get(status, 0))
    failed = Gauge("campaignkit_jobs_failed", "Jobs on record that failed.", registry=registry)
    failed.set(counts.get("failed", 0))
    return generate_latest(registry)


def _request_text() -> bytes:
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    folder = os.environ.get(MULTIPROCESS_ENV)
    if folder:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
        return generate_latest(registry)
    return generate_latest(_request_metrics()["registry"])


def _allowed() -> bool:
    token = current_instance().config.server.metrics_token
    header = request.headers.get("Authorization", "")
    if token and header.lower().startswith("bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    return has_permission(current_user, PERMISSION)


@bp.get("/metrics")
def metrics():
    """The site's metrics for Prometheus; organisers or ``[server] metrics_token`` only."""
    if not _allowed():
        if current_user.is_authenticated:
            abort(403, description="Only organisers may read the metrics.")
        response = Response("Send 'Authorization: Bearer <metrics_token>'.\n", status=401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from prometheus_client import CONTENT_TYPE_LATEST

    body = _request_text() + _queue_text()
    response = Response(body, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
