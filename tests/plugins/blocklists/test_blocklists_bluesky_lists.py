"""Publishing a list as a Bluesky moderation list, and importing one, against the fake PDS."""

from __future__ import annotations

from datetime import UTC, datetime

import fake_bluesky
import pytest

from campaignkit.plugins.blocklists.models import AuditEvent, BlockList, Entry
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform

ITEMS = "app.bsky.graph.listitem"


@pytest.fixture
def bsky():
    with fake_bluesky.serve() as running:
        yield running


@pytest.fixture
def publisher(bsky):  # noqa: ANN001
    return bsky.add_account("group.bsky.social")


@pytest.fixture
def blocklists_settings(bsky, publisher) -> dict:  # noqa: ANN001
    return {"bluesky_service": bsky.url, "bluesky_appview": bsky.url,
            "bluesky_publisher_handle": publisher.handle}  # fmt: skip


@pytest.fixture
def live(app):  # noqa: ANN001
    """``live(list_id, did)``: a live Bluesky entry; returns its id."""

    def add(list_id: int, did: str) -> int:
        stamp = datetime.now(UTC)
        with app.extensions["campaignkit"].database.write() as session:
            entry = Entry(
                list_id=list_id, platform="bluesky", account_id=did, handle="",
                reason="abuse", status="live", added_at=stamp, changed_at=stamp,
            )  # fmt: skip
            session.add(entry)
            session.flush()
            return entry.id

    return add


def test_publish_then_sync_keeps_one_list_in_step(
    app,
    cli,
    bsky,
    publisher,
    add_list,
    rows,
    live,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_BLUESKY_APP_PASSWORD", publisher.password)
    trolls = [bsky.add_account(f"troll{i}.bsky.social") for i in range(3)]
    block_list = add_list()
    first = live(block_list.id, trolls[0].did)
    for troll in trolls[1:]:
        live(block_list.id, troll.did)
    done = cli("blocklists", "publish-bluesky", "trolls")
    assert done.exit_code == 0, done.output
    (stored,) = rows(BlockList)
    rkey = stored.bluesky_list_uri.rsplit("/", 1)[-1]
    assert stored.bluesky_list_uri.startswith(f"at://{publisher.did}/app.bsky.graph.list/")
    assert f"https://bsky.app/profile/{publisher.did}/lists/{rkey}" in done.output
    subjects = lambda: sorted(v["subject"] for v in bsky.records(publisher.did, ITEMS).values())  # noqa: E731
    assert subjects() == sorted(t.did for t in trolls)

    with app.extensions["campaignkit"].database.write() as session:
        session.get(Entry, first).status = "removed"
    again = cli("blocklists", "publish-bluesky", "trolls")
    assert again.exit_code == 0 and "0 added, 1 removed" in again.output
    assert rows(BlockList)[0].bluesky_list_uri == stored.bluesky_list_uri
    assert subjects() == sorted(t.did for t in trolls[1:])
    assert len(bsky.records(publisher.did, "app.bsky.graph.list")) == 1


def test_publishing_without_the_app_password_says_what_to_set(cli, add_list, monkeypatch):  # noqa: ANN001
    monkeypatch.delenv("CAMPAIGNKIT_BLUESKY_APP_PASSWORD", raising=False)
    add_list()
    refused = cli("blocklists", "publish-bluesky", "trolls")
    assert refused.exit_code != 0 and "CAMPAIGNKIT_BLUESKY_APP_PASSWORD" in refused.output
    missing = cli("blocklists", "publish-bluesky", "nope")
    assert missing.exit_code != 0


def test_the_publish_button_runs_a_job(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    bsky,
    publisher,
    add_list,
    rows,
    live,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_BLUESKY_APP_PASSWORD", publisher.password)
    block_list = add_list()
    live(block_list.id, bsky.add_account("troll.bsky.social").did)
    url = f"/organise/blocklists/{block_list.id}"
    assert "Publish on Bluesky" in client.get(url).get_data(as_text=True)
    started = client.post(url + "/publish-bluesky", data={"csrf_token": csrf_token(client)})
    assert started.status_code == 303 and started.location.startswith("/jobs/")
    page = client.get(started.location).get_data(as_text=True)
    assert "Finished" in page and "1 added, 0 removed" in page
    assert rows(BlockList)[0].bluesky_list_uri
    assert "Sync on Bluesky" in client.get(url).get_data(as_text=True)


def _their_list(bsky) -> tuple[str, list[str]]:  # noqa: ANN001
    owner = bsky.add_account("other.bsky.social")
    dids = [bsky.add_account(f"spam{i}.bsky.social").did for i in range(4)]
    theirs = BlueskyPlatform.connect(owner.handle, owner.password, service=bsky.url)
    uri = theirs.publish_modlist("Spammers", "", dids)
    return uri, dids


def test_import_from_a_bluesky_list_by_its_bsky_app_address(cli, bsky, add_list, rows):  # noqa: ANN001
    uri, dids = _their_list(bsky)
    add_list()
    link = f"https://bsky.app/profile/other.bsky.social/lists/{uri.rsplit('/', 1)[-1]}"
    done = cli("blocklists", "import", "trolls", "--bluesky-list", link)
    assert done.exit_code == 0, done.output
    assert "4 added" in done.output
    assert sorted(e.account_id for e in rows(Entry, status="live")) == sorted(dids)
    again = cli("blocklists", "import", "trolls", "--bluesky-list", uri)
    assert again.exit_code == 0 and "0 added, 4 already" in again.output
    bad = cli("blocklists", "import", "trolls", "--bluesky-list", "https://example.org/x")
    assert bad.exit_code != 0 and "bsky.app" in bad.output
    neither = cli("blocklists", "import", "trolls")
    assert neither.exit_code != 0 and "--bluesky-list" in neither.output
    assert any("Bluesky list" in a.detail for a in rows(AuditEvent))


def test_import_from_bluesky_on_the_maintainers_page(
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    bsky,
    add_list,
    rows,  # noqa: ANN001
):
    uri, dids = _their_list(bsky)
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}/import-bluesky"
    bad = client.post(url, data={"csrf_token": csrf_token(client), "list_url": "nonsense"})
    assert bad.status_code == 400 and "bsky.app" in bad.get_data(as_text=True)
    assert rows(Entry) == []
    started = client.post(url, data={"csrf_token": csrf_token(client), "list_url": uri})
    assert started.status_code == 303
    page = client.get(started.location).get_data(as_text=True)
    assert "Finished" in page and "4 added" in page
    assert len(rows(Entry)) == 4
