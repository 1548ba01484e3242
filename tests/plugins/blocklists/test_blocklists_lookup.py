"""The handle lookup: waiting entries get their ids from the fakes of X, Mastodon and Bluesky."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

import fake_bluesky
import fake_mastodon
import fake_x
import pytest

from campaignkit.plugins.blocklists.lookup import NO_X_TOKEN, Resolvers, lookup_list
from campaignkit.plugins.blocklists.models import AuditEvent, Entry


@pytest.fixture
def x_fake():
    with fake_x.serve() as running:
        yield running


@pytest.fixture
def bsky_fake():
    with fake_bluesky.serve() as running:
        yield running


@pytest.fixture
def blocklists_settings(x_fake, bsky_fake) -> dict:
    return {"x_api_url": x_fake.url, "bluesky_appview": bsky_fake.url}


@pytest.fixture
def waiting(app):  # noqa: ANN001
    """``waiting(list_id, platform, handle, account_id=None)``: store an entry."""

    def add(list_id: int, platform: str, handle: str, account_id: str | None = None) -> int:
        stamp = datetime.now(UTC)
        with app.extensions["campaignkit"].database.write() as session:
            entry = Entry(
                list_id=list_id, platform=platform, handle=handle, account_id=account_id,
                reason="abuse", status="live" if account_id else "lookup", added_by=None,
                added_at=stamp, changed_at=stamp,
            )  # fmt: skip
            session.add(entry)
            session.flush()
            return entry.id

    return add


def test_handles_get_ids_duplicates_merge_and_missing_ones_are_named(
    app,
    add_list,
    rows,
    waiting,
    x_fake,
    bsky_fake,  # noqa: ANN001
):
    troll, known = x_fake.add_user("troll_one"), x_fake.add_user("known_one")
    bsky = bsky_fake.add_account("troll.bsky.social")
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    waiting(block_list.id, "x", "@nobody_here")
    waiting(block_list.id, "x", known.id and "@known_one")
    already = waiting(block_list.id, "x", "", account_id=known.id)
    waiting(block_list.id, "bluesky", "troll.bsky.social")
    waiting(block_list.id, "bluesky", "ghost.bsky.social")
    with fake_mastodon.serve() as masto:
        masto.add_account("nasty")
        waiting(block_list.id, "mastodon", "@nasty@mastodon.test")
        waiting(block_list.id, "mastodon", "@absent@mastodon.test")
        waiting(block_list.id, "mastodon", "@probe@intranet.test")  # not a public server
        fake_server = urlsplit(masto.url).netloc

        def server_url(server: str) -> str:
            return masto.url if server == "mastodon.test" else f"https://{server}"

        found_by = Resolvers(x_fake.url, x_fake.token, bsky_fake.url, server_url,
                             insecure_servers=(fake_server,))  # fmt: skip
        seen = []
        with app.app_context():
            report = lookup_list(block_list.id, found_by, progress=lambda *a: seen.append(a))
    assert (report.resolved, report.merged) == (4, 1)
    assert sorted(report.missing) == [
        "@absent@mastodon.test", "@nobody_here", "@probe@intranet.test", "ghost.bsky.social"
    ]  # fmt: skip
    assert seen[-1][:2] == (8, 8)
    by_handle = {e.handle: e for e in rows(Entry)}
    assert by_handle["@troll_one"].account_id == troll.id
    assert by_handle["@troll_one"].status == "live"
    assert by_handle["troll.bsky.social"].account_id == bsky.did
    masto_entry = by_handle["@nasty@mastodon.test"]
    assert masto_entry.account_id.endswith("@mastodon.test") and masto_entry.status == "live"
    assert "@known_one" not in by_handle  # merged into the entry that had the id
    assert [e.id for e in rows(Entry, account_id=known.id)] == [already]
    for handle in ("@nobody_here", "ghost.bsky.social", "@absent@mastodon.test"):
        assert by_handle[handle].status == "lookup"
        assert by_handle[handle].lookup_error.startswith("no such account on")
    details = " ".join(a.detail for a in rows(AuditEvent))
    assert "Not found: X @nobody_here" in details and "merged" in details


def test_a_rate_limit_leaves_the_rest_waiting_with_a_time_to_retry(
    app,
    add_list,
    rows,
    waiting,
    x_fake,
    bsky_fake,  # noqa: ANN001
):
    x_fake.add_user("troll_one")
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    x_fake.fail_next(status=429, path="/2/users/by")
    found_by = Resolvers(x_fake.url, x_fake.token, bsky_fake.url, lambda _server: "")
    with app.app_context():
        report = lookup_list(block_list.id, found_by)
    assert report.retry_at is not None and "rate limit" in report.summary()
    (entry,) = rows(Entry)
    assert entry.status == "lookup" and entry.lookup_error is None


def test_second_approval_leaves_looked_up_entries_pending(
    app,
    add_list,
    rows,
    waiting,
    x_fake,
    bsky_fake,  # noqa: ANN001
):
    x_fake.add_user("troll_one")
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    found_by = Resolvers(x_fake.url, x_fake.token, bsky_fake.url, lambda _server: "")
    with app.app_context():
        lookup_list(block_list.id, found_by, require_second_approval=True)
    assert rows(Entry)[0].status == "pending"


def test_the_button_runs_the_job_and_says_why_x_handles_wait_without_a_token(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,
    waiting,  # noqa: ANN001
    bsky_fake,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.delenv("CAMPAIGNKIT_X_BEARER_TOKEN", raising=False)
    bsky_fake.add_account("troll.bsky.social")
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    waiting(block_list.id, "bluesky", "troll.bsky.social")
    url = f"/organise/blocklists/{block_list.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Look up handles now" in page and "CAMPAIGNKIT_X_BEARER_TOKEN" in page
    started = client.post(url + "/lookup", data={"csrf_token": csrf_token(client)})
    assert started.status_code == 303 and started.location.startswith("/jobs/")
    job_page = client.get(started.location).get_data(as_text=True)
    assert "Finished" in job_page and "1 handles looked up" in job_page
    assert "CAMPAIGNKIT_X_BEARER_TOKEN" in job_page
    statuses = {e.platform: e.status for e in rows(Entry)}
    assert statuses == {"x": "lookup", "bluesky": "live"}


def test_the_cli_looks_up_with_the_token_from_the_environment(
    cli,
    add_list,
    rows,
    waiting,
    x_fake,
    monkeypatch,  # noqa: ANN001
):
    troll = x_fake.add_user("troll_one")
    monkeypatch.setenv("CAMPAIGNKIT_X_BEARER_TOKEN", x_fake.token)
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    done = cli("blocklists", "lookup", "trolls")
    assert done.exit_code == 0, done.output
    assert "Looking up handles" in done.output and "1 handles looked up" in done.output
    assert NO_X_TOKEN not in done.output
    assert rows(Entry)[0].account_id == troll.id
    missing = cli("blocklists", "lookup", "nope")
    assert missing.exit_code != 0 and "no list called 'nope'" in missing.output


def test_an_import_with_handles_starts_the_lookup(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,
    bsky_fake,  # noqa: ANN001
):
    bsky = bsky_fake.add_account("troll.bsky.social")
    block_list = add_list()
    upload = io.BytesIO(b"platform,handle\nbluesky,troll.bsky.social\n")
    data = {"platform": "x", "csrf_token": csrf_token(client), "file": (upload, "t.csv")}
    started = client.post(f"/organise/blocklists/{block_list.id}/import", data=data,
                          content_type="multipart/form-data")  # fmt: skip
    page = client.get(started.location).get_data(as_text=True)
    assert "1 waiting for handle lookup" in page and "1 handles looked up" in page
    (entry,) = rows(Entry)
    assert (entry.account_id, entry.status) == (bsky.did, "live")


def test_a_rate_limited_job_finishes_saying_so_and_is_scheduled_again(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,
    waiting,
    x_fake,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_X_BEARER_TOKEN", x_fake.token)
    x_fake.add_user("troll_one")
    block_list = add_list()
    waiting(block_list.id, "x", "@troll_one")
    x_fake.fail_next(status=429, path="/2/users/by")
    url = f"/organise/blocklists/{block_list.id}"
    assert "CAMPAIGNKIT_X_BEARER_TOKEN" not in client.get(url).get_data(as_text=True)
    started = client.post(url + "/lookup", data={"csrf_token": csrf_token(client)})
    page = client.get(started.location).get_data(as_text=True)
    assert "Finished" in page and "rate limit was reached" in page
    assert len(immediate_jobs.scheduled()) == 1
    assert rows(Entry)[0].status == "lookup"


def test_handles_of_an_import_that_are_not_found_are_reported_by_line(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,
    x_fake,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_X_BEARER_TOKEN", x_fake.token)
    x_fake.add_user("troll_one")
    block_list = add_list()
    lines = ["handle,reason", "@troll_one,abuse", "", "@nosuchuser,spam", "@troll_one,spam"]
    upload = io.BytesIO("\n".join(lines).encode())
    data = {"platform": "x", "csrf_token": csrf_token(client), "file": (upload, "t.csv")}
    started = client.post(f"/organise/blocklists/{block_list.id}/import", data=data,
                          content_type="multipart/form-data")  # fmt: skip
    page = client.get(started.location).get_data(as_text=True)
    assert "1 handles looked up" in page and "line 4: @nosuchuser not found on X" in page
    missing = rows(Entry, handle="@nosuchuser")[0]
    assert missing.import_line == 4 and missing.lookup_error.endswith("line 4 of the import")
    assert rows(Entry, handle="@troll_one")[0].import_line == 2  # the first of its lines
    assert any("(line 4 of the import)" in a.detail for a in rows(AuditEvent))
