"""Tiny real video files for the media tests (made once per session with ffmpeg), and helpers."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

#: Each clip's ffmpeg input and output arguments (1–2 seconds, tiny pictures, fast to make).
CLIPS = {
    "portrait.mp4": ["-f", "lavfi", "-i", "testsrc=size=180x320:rate=10", "-f", "lavfi",
                     "-i", "sine=frequency=440", "-t", "2", "-c:v", "libx264", "-preset",
                     "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"],
    "landscape.mp4": ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=10", "-t", "1",
                      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "square.webm": ["-f", "lavfi", "-i", "testsrc=size=160x160:rate=10", "-t", "1",
                    "-c:v", "libvpx", "-deadline", "realtime"],
    "picture.png": ["-f", "lavfi", "-i", "testsrc=size=180x320", "-frames:v", "1"],
    "sound.m4a": ["-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "aac"],
}  # fmt: skip


def make_clip(folder: Path, name: str) -> Path:
    """Make one of `CLIPS` in `folder` with ffmpeg and return its path."""
    path = folder / name
    subprocess.run(  # noqa: S603 - ffmpeg with fixed arguments
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *CLIPS[name], str(path)],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real clips and liars: portrait/landscape/square videos, a PNG and a text file named
    .mp4, sound only, and a video cut to its first half."""
    folder = tmp_path_factory.mktemp("clips")
    found = {name: make_clip(folder, name) for name in CLIPS}
    found["png-named.mp4"] = folder / "png-named.mp4"
    found["png-named.mp4"].write_bytes(found["picture.png"].read_bytes())
    found["text.mp4"] = folder / "text.mp4"
    found["text.mp4"].write_text("this is not a video\n" * 50)
    whole = found["portrait.mp4"].read_bytes()
    found["truncated.mp4"] = folder / "truncated.mp4"
    found["truncated.mp4"].write_bytes(whole[: len(whole) // 2])
    return found


def store_folder(app) -> Path:  # noqa: ANN001
    """The app's videos store folder."""
    return Path(app.instance_path) / "videos"


def stored_files(app) -> list[str]:  # noqa: ANN001
    """The names of the files in the app's videos store."""
    folder = store_folder(app)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload(client, csrf_token, path: Path, brief_id=None, **extra):  # noqa: ANN001, ANN201
    """Post the upload form with the file at `path`."""
    form = {"csrf_token": csrf_token(client), "title": "Our library", "description": "Short.",
            "file": (io.BytesIO(path.read_bytes()), path.name), **extra}  # fmt: skip
    url = f"/videos/media/upload?brief={brief_id}" if brief_id else "/videos/media/upload"
    return client.post(url, data=form, content_type="multipart/form-data")


@pytest.fixture
def claimed(producer, brief_id, csrf_token) -> int:  # noqa: ANN001
    """The 9:16 brief, claimed by the producer."""
    answer = producer.post(f"/videos/briefs/{brief_id}/claim",
                           data={"csrf_token": csrf_token(producer)})  # fmt: skip
    assert answer.status_code == 303
    return brief_id
