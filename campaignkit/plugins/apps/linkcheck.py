"""The link check: every listed app's link is tried, and links that do not answer are flagged.

Each link gets a HEAD request and, when the server refuses HEAD or answers
with an error, a GET; both through core's outbound guard (public https
addresses only, every redirect checked again, a timeout on each request).
A link that fails is marked ``dead`` with the reason, for the organisers to
review; one that answers again is marked ``ok``. Pictures given by address
(an import's) and not kept yet are fetched and kept on the way. The periodic task runs the
check every ``check_hours`` hours; ``campaignkit apps check-links`` runs it
at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import or_, select

from campaignkit.core import (
    OutboundRefused,
    PictureError,
    checked_url,
    guarded_session,
    job,
    plugin_settings,
    read_session,
    write_session,
)
from campaignkit.plugins.apps.images import fetch_image
from campaignkit.plugins.apps.models import APPROVED, LINK_DEAD, LINK_OK, PENDING, App

log = logging.getLogger(__name__)
CHECK_JOB = "campaignkit.plugins.apps.linkcheck.check_links_job"
HEADERS = {"User-Agent": "campaignkit link check"}


def link_problem(url: str, insecure_servers: tuple[str, ...], timeout_s: float) -> str:
    """Why ``url`` does not work ("" when it answers): HEAD first, then GET."""
    try:
        checked_url(url, insecure_servers)
        with guarded_session(insecure_servers) as session:
            answer = session.head(url, headers=HEADERS, timeout=timeout_s, allow_redirects=True)
            if answer.status_code < 400:
                return ""
            with session.get(url, headers=HEADERS, timeout=timeout_s, stream=True) as answer:
                if answer.status_code < 400:
                    return ""
                return f"The server answered {answer.status_code}."
    except OutboundRefused as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure to fetch is a dead link, named
        return f"The server could not be reached ({type(exc).__name__})."


def apps_due(max_age: timedelta) -> list[tuple[int, str]]:
    """(id, link) of listed or pending apps not checked within ``max_age``."""
    cutoff = datetime.now(UTC) - max_age
    query = select(App.id, App.url).where(
        App.status.in_((APPROVED, PENDING)),
        or_(App.link_checked_at.is_(None), App.link_checked_at < cutoff),
    )
    with read_session() as session:
        return [(row.id, row.url) for row in session.execute(query.order_by(App.id))]


def fetch_missing_images(insecure: tuple[str, ...], timeout_s: float) -> int:
    """Fetch and keep the pictures given by address (an import's) not kept yet; returns how many."""
    query = select(App.id, App.image_url).where(
        App.status.in_((APPROVED, PENDING)), App.image_url != "", App.has_upload.is_(False)
    )
    with read_session() as session:
        wanted = list(session.execute(query))
    fetched = 0
    for app_id, url in wanted:
        try:
            picture = fetch_image(url, insecure, timeout_s)
        except PictureError as exc:
            log.info("apps: picture of app %s not fetched: %s", app_id, exc)
            continue
        with write_session() as session:
            app = session.get(App, app_id)
            if app is not None and app.image_url == url:
                app.image, app.has_upload = picture, True
                fetched += 1
    return fetched


def check_links(max_age: timedelta = timedelta(0)) -> tuple[int, int]:
    """Check every due link and record what was found; returns (checked, dead).

    Pictures given by address and not kept yet are fetched on the way.
    """
    settings = plugin_settings("apps")
    insecure = tuple(settings.insecure_servers)
    checked = dead = 0
    for app_id, url in apps_due(max_age):
        problem = link_problem(url, insecure, settings.check_timeout_s)
        with write_session() as session:
            app = session.get(App, app_id)
            if app is None:
                continue
            app.link_status = LINK_DEAD if problem else LINK_OK
            app.link_note = problem[:300]
            app.link_checked_at = datetime.now(UTC)
        checked += 1
        dead += bool(problem)
        if problem:
            log.info("apps: link of app %s does not work: %s", app_id, problem)
    fetch_missing_images(insecure, settings.check_timeout_s)
    return checked, dead


def register(huey) -> None:  # noqa: ANN001 - the instance's Huey
    """Declare the link-check job and the hourly task that runs it for links due."""

    @job(huey, title="Check the apps directory's links")
    def check_links_job(progress) -> str:  # noqa: ANN001 - a Progress
        """Check every listed and pending app's link now."""
        checked, dead = check_links()
        progress.update(checked, total=checked)
        return f"Checked {checked} links: {dead} did not answer."

    @huey.periodic_task(crontab(minute="37"), name="campaignkit.plugins.apps.link_scan")
    def link_scan() -> None:
        """Every hour: check the links not checked within ``check_hours``."""
        with huey.flask_app.app_context():
            hours = plugin_settings("apps").check_hours
            try:
                with huey.lock_task("apps-link-scan"):  # a slow scan is not run twice at once
                    checked, dead = check_links(timedelta(hours=hours))
            except TaskLockedException:
                return
            log.info("apps link scan: %s checked, %s dead", checked, dead)
