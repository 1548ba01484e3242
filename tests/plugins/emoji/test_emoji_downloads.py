"""Pack downloads: built by a background job, cached per pack version, rebuilt when art changes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from emoji_helpers import png

from campaignkit.plugins.emoji.models import Pack


def _seed(cli, tmp_path: Path, names: list[str]) -> None:  # noqa: ANN001
    files = []
    for number, name in enumerate(names):
        files.append(tmp_path / f"{name}.png")
        files[-1].write_bytes(png((64, 64 + number), (200, 20 * number, 40, 255)))
    assert cli("emoji", "add", "roses", *map(str, files), "--emoji", "🌹").exit_code == 0


def _sticker_count(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return len(json.loads(archive.read("contents.json"))["sticker_packs"][0]["stickers"])


def test_whatsapp_download_is_built_by_a_job_cached_and_rebuilt(
    backend, app, cli, immediate_jobs, csrf_token, rows, tmp_path: Path
):  # noqa: ANN001
    assert cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses").exit_code == 0
    _seed(cli, tmp_path, ["one", "two", "three"])
    client = app.test_client()
    page = client.get("/emoji/roses").get_data(as_text=True)
    assert 'action="/emoji/roses/download/whatsapp"' in page and "Download for WhatsApp" in page
    assert client.get("/emoji/roses/download/whatsapp").status_code == 303  # not built yet

    answer = client.post("/emoji/roses/download/whatsapp", data={"csrf_token": csrf_token(client)})
    assert answer.status_code == 303 and answer.location.startswith("/jobs/")
    job_page = client.get(answer.location).get_data(as_text=True)
    assert "Finished" in job_page and 'href="/emoji/roses#download-whatsapp"' in job_page
    for unsafe in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/%2F/evil"):
        page = client.get(answer.location.split("?")[0], query_string={"back": unsafe})
        assert "evil" not in page.get_data(as_text=True)  # only a plain same-site path
    cache = Path(app.instance_path) / "emoji-exports" / "roses"
    assert [p.name for p in cache.iterdir()] == [f"whatsapp-v{rows(Pack)[0].version}.zip"]

    page = client.get("/emoji/roses").get_data(as_text=True)
    assert 'href="/emoji/roses/download/whatsapp"' in page
    download = client.get("/emoji/roses/download/whatsapp")
    assert download.status_code == 200 and _sticker_count(download.data) == 3
    assert "roses-whatsapp.zip" in download.headers["Content-Disposition"]
    again = client.post("/emoji/roses/download/whatsapp", data={"csrf_token": csrf_token(client)})
    assert again.location == "/emoji/roses/download/whatsapp"  # cached: no second job

    _seed(cli, tmp_path, ["four"])  # the pack changes: the cached file is stale
    assert client.get("/emoji/roses/download/whatsapp").status_code == 303
    client.post("/emoji/roses/download/whatsapp", data={"csrf_token": csrf_token(client)})
    assert [p.name for p in cache.iterdir()] == [f"whatsapp-v{rows(Pack)[0].version}.zip"]
    assert _sticker_count(client.get("/emoji/roses/download/whatsapp").data) == 4


def test_bad_downloads_change_nothing(backend, app, cli, immediate_jobs, csrf_token, tmp_path):  # noqa: ANN001
    assert cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses").exit_code == 0
    _seed(cli, tmp_path, ["one"])
    client = app.test_client()
    token = {"csrf_token": csrf_token(client)}
    assert client.post("/emoji/roses/download/whatsapp").status_code == 400  # no CSRF token
    assert client.post("/emoji/roses/download/myspace", data=token).status_code == 404
    assert client.get("/emoji/tulips/download/slack").status_code == 404
    answer = client.post("/emoji/roses/download/whatsapp", data=token)  # one sticker: too few
    page = client.get(answer.location).get_data(as_text=True)
    assert "Failed" in page and "ExportError" in page
    assert not (Path(app.instance_path) / "emoji-exports" / "roses").exists() or not any(
        (Path(app.instance_path) / "emoji-exports" / "roses").iterdir()
    )
