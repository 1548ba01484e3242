"""Files attached to briefs: kept by the type their bytes show, downloaded by producers."""

from __future__ import annotations

import io

import pytest
from videos_clips import stored_files

from campaignkit.plugins.videos.asset_files import sniff_extension
from campaignkit.plugins.videos.models import BriefAsset


def attach(client, csrf_token, brief_id, data: bytes, name: str, label: str = ""):  # noqa: ANN001, ANN201
    """Post the attach form with a file called `name` holding `data`."""
    form = {"csrf_token": csrf_token(client), "label": label,
            "file": (io.BytesIO(data), name, "text/plain")}  # fmt: skip
    return client.post(f"/videos/briefs/{brief_id}/assets", data=form,
                       content_type="multipart/form-data", follow_redirects=True)  # fmt: skip


def file_assets(rows) -> list[BriefAsset]:  # noqa: ANN001
    """The stored assets that are files."""
    return [row for row in rows(BriefAsset) if row.file_key]


def test_a_picture_named_as_text_is_kept_and_served_as_a_picture(
    backend,
    app,
    organiser,
    producer,
    brief_id,
    csrf_token,
    clips,
    rows,  # noqa: ANN001
):
    picture = clips["picture.png"].read_bytes()
    page = attach(organiser, csrf_token, brief_id, picture, "notes.txt", "Our logo")
    assert page.status_code == 200 and "File attached." in page.get_data(as_text=True)
    [asset] = file_assets(rows)
    assert asset.file_key.endswith(".png") and asset.label == "Our logo"
    assert stored_files(app) == [asset.file_key]
    assert "Our logo" in producer.get(f"/videos/briefs/{brief_id}").get_data(as_text=True)
    got = producer.get(f"/videos/briefs/{brief_id}/assets/{asset.id}")
    assert got.status_code == 200 and got.data == picture
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Disposition"] == 'attachment; filename="Our logo.png"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_text_named_as_a_picture_is_served_as_text(
    backend,
    organiser,
    producer,
    brief_id,
    csrf_token,
    rows,  # noqa: ANN001
):
    attach(organiser, csrf_token, brief_id, b"Script: say hello\n", "script.png")
    [asset] = file_assets(rows)
    assert asset.file_key.endswith(".txt") and asset.label == "script.png"
    got = producer.get(f"/videos/briefs/{brief_id}/assets/{asset.id}")
    assert got.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert got.headers["Content-Disposition"] == "attachment; filename=script.png.txt"


@pytest.mark.parametrize("videos_settings", [{"asset_max_mb": 1}])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x7fELF\x02\x01\x01\0" + b"\0" * 100, "That kind of file is not taken"),
        (b"", "The file is empty."),
        (b"%PDF-" + b"\0" * (1024 * 1024), "larger than the 1 MB taken"),
    ],
)
def test_a_refused_file_says_why_and_stores_nothing(
    backend,
    app,
    organiser,
    brief_id,
    csrf_token,
    rows,
    data,
    message,  # noqa: ANN001
):
    page = attach(organiser, csrf_token, brief_id, data, "thing.pdf")
    assert message in page.get_data(as_text=True)
    assert file_assets(rows) == [] and stored_files(app) == []


def test_only_organisers_attach_and_only_producers_download(
    backend,
    app,
    client,
    organiser,
    producer,
    brief_id,
    csrf_token,
    rows,
    make_user,
    login,  # noqa: ANN001
):
    refused = attach(producer, csrf_token, brief_id, b"%PDF-1.4\n", "a.pdf")
    assert refused.status_code == 403 and stored_files(app) == []
    assert attach(organiser, csrf_token, 9999, b"%PDF-1.4\n", "a.pdf").status_code == 404
    assert stored_files(app) == []
    attach(organiser, csrf_token, brief_id, b"%PDF-1.4\n", "a.pdf")
    [asset] = file_assets(rows)
    login(client, make_user("sup@example.org", role="supporter"))
    assert client.get(f"/videos/briefs/{brief_id}/assets/{asset.id}").status_code == 403
    assert producer.get(f"/videos/briefs/{brief_id + 1}/assets/{asset.id}").status_code == 404


def test_removing_a_file_deletes_it(backend, app, organiser, brief_id, csrf_token, rows):  # noqa: ANN001
    attach(organiser, csrf_token, brief_id, b"%PDF-1.4\n", "a.pdf")
    [asset] = file_assets(rows)
    form = {"csrf_token": csrf_token(organiser)}
    url = f"/videos/briefs/{brief_id}/assets/{asset.id}/delete"
    assert organiser.post(url, data=form).status_code == 303
    assert file_assets(rows) == [] and stored_files(app) == []


def test_sniffing_reads_the_bytes_not_the_name() -> None:
    assert sniff_extension(b"GIF89a....") == ".gif"
    assert sniff_extension(b"RIFF\0\0\0\0WEBPVP8 ") == ".webp"
    assert sniff_extension(b"RIFF\0\0\0\0WAVEfmt ") == ".wav"
    assert sniff_extension(b"\0\0\0\x18ftypisom") == ".mp4"
    assert sniff_extension(b"\0\0\0\x14ftypqt  ") == ".mov"
    assert sniff_extension(b"\x1a\x45\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01webm") == ".webm"
    assert sniff_extension("café".encode()[:-1]) == ".txt"  # cut inside a character
    assert sniff_extension(b"\xff\xfe\0\0") is None
    assert sniff_extension(b"") is None
