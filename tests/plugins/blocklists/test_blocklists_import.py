"""Importing files: CSVs of handles or ids and Block Together exports; bad files store nothing."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from campaignkit.plugins.blocklists.imports import ImportRefused, import_file
from campaignkit.plugins.blocklists.models import AuditEvent, Entry

GOOD_CSV = """platform,handle,id,reason,evidence
x,@troll_one,1001,abuse,https://example.org/a
x,,1002,spam,
mastodon,@nasty@bad.example,,threats,Said it on the 3rd
bluesky,,did:plc:abcdefghijklmnopqrstuvwx,impersonation,
x,@troll_one,1001,abuse,a duplicate row: skipped
mastodon,@Nasty@bad.example,,threats,the same handle in other letters: skipped
"""


def run_import(app, slug: str, text: str, tmp_path: Path, **options):  # noqa: ANN001, ANN201, ANN003
    """Import ``text`` as a file into the list ``slug``."""
    path = tmp_path / "upload.csv"
    path.write_text(text, "utf-8")
    with app.app_context():
        return import_file(slug, path, **options)


def test_a_csv_of_handles_and_ids(app, add_list, rows, tmp_path):  # noqa: ANN001
    add_list()
    report = run_import(app, "trolls", GOOD_CSV, tmp_path)
    assert (report.rows, report.added, report.waiting, report.skipped) == (6, 3, 1, 2)
    stored = {(e.platform, e.account_id, e.handle, e.status, e.reason) for e in rows(Entry)}
    assert stored == {
        ("x", "1001", "@troll_one", "live", "abuse"),
        ("x", "1002", "", "live", "spam"),
        ("mastodon", None, "@nasty@bad.example", "lookup", "threats"),
        ("bluesky", "did:plc:abcdefghijklmnopqrstuvwx", "", "live", "impersonation"),
    }
    (logged,) = rows(AuditEvent)
    assert logged.action == "import" and "1 waiting for handle lookup" in logged.detail
    again = run_import(app, "trolls", GOOD_CSV, tmp_path)  # a second run adds nothing
    assert (again.added, again.waiting, again.skipped) == (0, 0, 6)
    assert len(rows(Entry)) == 4


def test_a_block_together_export(app, add_list, rows, tmp_path):  # noqa: ANN001
    add_list()
    report = run_import(app, "trolls", "12345\r\n67890\r\n\r\n12345\r\n", tmp_path)
    assert (report.rows, report.added, report.skipped) == (3, 2, 1)
    assert {(e.platform, e.account_id, e.reason) for e in rows(Entry)} == {
        ("x", "12345", "other"), ("x", "67890", "other"),
    }  # fmt: skip


def test_rows_without_a_platform_take_the_chosen_one(app, add_list, rows, tmp_path):  # noqa: ANN001
    add_list()
    run_import(app, "trolls", "id\n42@mastodon.social\n", tmp_path, default_platform="mastodon")
    assert [(e.platform, e.account_id) for e in rows(Entry)] == [("mastodon", "42@mastodon.social")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("handle,id\n@ok,1\n@not ok!,2\n", "1 bad line. line 3: '@not ok!' is not a handle"),
        ("platform,id\nx,1\nmyspace,2\n", "line 3: Unknown platform 'myspace'"),
        ("id,evidence\n1,http://example.org/x\n", "line 2: An evidence link must start"),
        ("id,reason\n1,rude\n", "line 2: Unknown reason 'rude'"),
        ("id\n1\n1,2\n", "line 3: more cells"),
        ("platform,handle\nmastodon,@a@" + "b" * 60 + ".example" * 40 + "\n", "not a handle"),
        ("name,email\nAnn,ann@example.org\n", "the first line must name the columns"),
        ("12345\n@someone\n", "line 2"),
        ("", "no rows"),
        ("id\n1\x00\n", "line 2: '1\\x00' is not an account id"),
    ],
)
def test_a_malformed_file_stores_nothing(app, add_list, rows, tmp_path, text, message):  # noqa: ANN001
    add_list()
    with pytest.raises(ImportRefused) as refused:
        run_import(app, "trolls", text, tmp_path)
    assert message in str(refused.value)
    assert rows(Entry) == [] and rows(AuditEvent) == []


def test_a_file_that_is_not_utf8_is_refused(app, add_list, rows, tmp_path):  # noqa: ANN001
    add_list()
    path = tmp_path / "latin1.csv"
    path.write_bytes("handle\n@caf\xe9\n".encode("latin-1"))
    with app.app_context(), pytest.raises(ImportRefused, match="not UTF-8"):
        import_file("trolls", path)
    assert rows(Entry) == []


def test_many_bad_lines_are_listed_up_to_a_limit(app, add_list, tmp_path):  # noqa: ANN001
    add_list()
    text = "id\n" + "".join(f"bad{i}\n" for i in range(50))
    with pytest.raises(ImportRefused) as refused:
        run_import(app, "trolls", text, tmp_path)
    assert "50 bad lines" in str(refused.value) and "and 30 more bad lines" in str(refused.value)


def test_a_few_thousand_rows_import_quickly(app, add_list, rows, tmp_path):  # noqa: ANN001
    add_list()
    text = "id,reason\n" + "".join(f"{1000 + i},spam\n" for i in range(5000))
    started = time.monotonic()
    report = run_import(app, "trolls", text, tmp_path)
    assert report.added == 5000 and time.monotonic() - started < 5
    assert len(rows(Entry, status="live")) == 5000


def test_an_upload_runs_as_a_job_with_progress(
    app,
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}"
    data = {"platform": "x", "csrf_token": csrf_token(client),
            "file": (io.BytesIO(GOOD_CSV.encode()), "trolls.csv")}  # fmt: skip
    started = client.post(url + "/import", data=data, content_type="multipart/form-data")
    assert started.status_code == 303 and started.location.startswith("/jobs/")
    page = client.get(started.location).get_data(as_text=True)
    assert "Finished" in page and "3 added, 1 waiting for handle lookup" in page
    assert len(rows(Entry)) == 4
    assert not list((Path(app.instance_path) / "blocklists-imports").iterdir())


def test_a_bad_upload_fails_its_job_and_stores_nothing(
    app,
    client,
    maintainer,
    immediate_jobs,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}"
    bad = "platform,id\nx,1\nfacebook,2\n"
    data = {"platform": "x", "csrf_token": csrf_token(client),
            "file": (io.BytesIO(bad.encode()), "bad.csv")}  # fmt: skip
    started = client.post(url + "/import", data=data, content_type="multipart/form-data")
    page = client.get(started.location).get_data(as_text=True)
    assert "line 3: Unknown platform" in page and "Nothing was imported" in page
    assert rows(Entry) == []
    no_file = {"platform": "x", "csrf_token": csrf_token(client)}
    refused = client.post(url + "/import", data=no_file, content_type="multipart/form-data")
    assert refused.status_code == 400 and "Choose a CSV file" in refused.get_data(as_text=True)
    unknown = {**no_file, "platform": "myspace", "csrf_token": csrf_token(client)}
    assert client.post(url + "/import", data=unknown).status_code == 400
