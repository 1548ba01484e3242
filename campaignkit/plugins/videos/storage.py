"""Where uploaded videos, posters, previews and captions are kept: a small interface and a folder.

`VideoStore` is what the rest of the plugin uses; `FolderStore` keeps files in the
instance's ``videos/`` folder (the default and, for now, the only store). Keys are made
by the server (random hex and an extension from a short list), never from a name or path
a person sent, and a key is checked against that shape before it touches the disk.

A file is written in chunks to ``<key>.part`` and only renamed to ``<key>`` once whole
(`commit`), so a reader never sees half a file and an interrupted upload leaves only a
part file, which `abort` (or the resumable-upload clean-up) removes.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app, send_file

#: The extensions a key may have, with the content type each is served as.
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".m4v": "video/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".bin": "application/octet-stream",
    # brief assets (their type is read from the bytes, see ``asset_files``)
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".txt": "text/plain; charset=utf-8",
}
#: The extensions an uploaded video's key may have (anything else is stored as ".bin").
VIDEO_EXTENSIONS = (".mp4", ".mov", ".webm", ".mkv", ".m4v")
#: A key's shape: 32 hex digits and one of the known extensions.
KEY = re.compile(r"[0-9a-f]{32}(" + "|".join(re.escape(ext) for ext in CONTENT_TYPES) + r")")
FOLDER = "videos"
CHUNK_BYTES = 1024 * 1024


class StoreError(ValueError):
    """A key that is not one the store made, or a file that is not there."""


def extension_for(filename: str | None) -> str:
    """The key extension for an uploaded file's name (".bin" for anything unknown)."""
    suffix = Path(filename or "").suffix.lower()
    return suffix if suffix in VIDEO_EXTENSIONS else ".bin"


class VideoStore(Protocol):
    """What the plugin needs from a store of large files."""

    def new_key(self, extension: str) -> str:
        """A fresh key with `extension` (one of `CONTENT_TYPES`); nothing is stored yet."""

    def open_part(self, key: str, offset: int = 0) -> BinaryIO:
        """The unfinished file of `key`, opened to write at `offset` (which must be its size)."""

    def part_path(self, key: str) -> Path:
        """A local path of the unfinished file of `key`, for a program that writes it (ffmpeg)."""

    def part_size(self, key: str) -> int:
        """How many bytes of the unfinished file of `key` are stored (0 when none)."""

    def commit(self, key: str) -> None:
        """Make the unfinished file of `key` the stored file."""

    def commit_as(self, key: str, stored_key: str) -> None:
        """Make the unfinished file of `key` the stored file of another key, `stored_key`."""

    def abort(self, key: str) -> None:
        """Remove the unfinished file of `key`, if any."""

    def path(self, key: str) -> Path:
        """The local path of the stored file (for ffprobe and ffmpeg)."""

    def size(self, key: str) -> int:
        """The stored file's size in bytes."""

    def delete_key(self, key: str) -> None:
        """Remove the stored file and any unfinished one; a missing file is not an error."""

    def free_bytes(self) -> int:
        """Free space where new files go, in bytes."""


class FolderStore:
    """A `VideoStore` in a folder: one file per key, unfinished ones as ``<key>.part``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _checked(self, key: str) -> str:
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise StoreError("That is not a stored file's key.")
        return key

    def new_key(self, extension: str) -> str:
        """A fresh random key with `extension`."""
        if extension not in CONTENT_TYPES:
            raise StoreError(f"Files ending {extension!r} are not stored.")
        return secrets.token_hex(16) + extension

    def open_part(self, key: str, offset: int = 0) -> BinaryIO:
        """The unfinished file of `key`, open for writing at `offset` (its current size)."""
        part = self.root / f"{self._checked(key)}.part"
        if offset != self.part_size(key):
            raise StoreError("The upload's offset does not match what is stored.")
        stream = open(part, "r+b" if offset else "wb")  # noqa: SIM115 - the caller closes it
        stream.seek(offset)
        return stream

    def part_path(self, key: str) -> Path:
        """``<key>.part`` in the folder."""
        return self.root / f"{self._checked(key)}.part"

    def part_size(self, key: str) -> int:
        """Bytes of the unfinished file stored so far."""
        part = self.root / f"{self._checked(key)}.part"
        return part.stat().st_size if part.exists() else 0

    def commit(self, key: str) -> None:
        """Rename ``<key>.part`` to ``<key>``: the file is now whole."""
        os.replace(self.root / f"{self._checked(key)}.part", self.root / key)

    def commit_as(self, key: str, stored_key: str) -> None:
        """Rename ``<key>.part`` to ``<stored_key>`` (once its type is known from its bytes)."""
        os.replace(self.root / f"{self._checked(key)}.part", self.root / self._checked(stored_key))

    def abort(self, key: str) -> None:
        """Remove ``<key>.part``."""
        (self.root / f"{self._checked(key)}.part").unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        """The stored file's path; `StoreError` when there is none."""
        path = self.root / self._checked(key)
        if not path.is_file():
            raise StoreError("That file is no longer stored.")
        return path

    def size(self, key: str) -> int:
        """The stored file's size in bytes."""
        return self.path(key).stat().st_size

    def delete_key(self, key: str) -> None:
        """Remove the stored file and any unfinished one."""
        (self.root / self._checked(key)).unlink(missing_ok=True)
        self.abort(key)

    def free_bytes(self) -> int:
        """Free space on the folder's disk."""
        return shutil.disk_usage(self.root).free


def video_store() -> FolderStore:
    """The app's store: the instance's ``videos/`` folder."""
    return FolderStore(Path(current_app.instance_path) / FOLDER)


def delete_key(key: str) -> None:
    """Remove a stored file (and any unfinished one) from the app's store; a missing one is fine."""
    video_store().delete_key(key)


def serve_file(store: VideoStore, key: str, download_name: str, *, download: bool = False):  # noqa: ANN201
    """A response with the stored file: its content type, ranges (so a player can seek) and
    ``Content-Disposition`` (inline, or attachment for a download) naming `download_name`."""
    path = store.path(key)
    extension = path.suffix
    name = re.sub(r"[^A-Za-z0-9._ -]+", "", download_name).strip()[:80] or "video"
    response = send_file(
        path,
        mimetype=CONTENT_TYPES[extension].split(";")[0],  # Werkzeug adds text's charset
        as_attachment=download,
        download_name=f"{name}{extension}",
        conditional=True,
        etag=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
