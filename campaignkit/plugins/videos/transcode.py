"""A poster frame and a small phone-friendly preview, drawn by ``ffmpeg`` with limits.

Both read only the local file (``-protocol_whitelist file``) and run with the same memory
and CPU-time limits as the probe, and a wall-clock timeout. The preview is H.264/AAC in
an MP4 with its index at the front (``+faststart``), at most 360 pixels on its short
side, so it starts playing on a phone before it has all arrived.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from campaignkit.plugins.videos.probe import run_limited

POSTER_TIMEOUT_S = 60
PREVIEW_TIMEOUT_S = 30 * 60
PREVIEW_SHORT_SIDE = 360


class TranscodeFailed(RuntimeError):
    """ffmpeg could not make the poster or preview; the message says which, in words."""


def _ffmpeg(arguments: list[str], timeout_s: float, what: str) -> None:
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
               "-protocol_whitelist", "file", "-y", *arguments]  # fmt: skip
    try:
        result = run_limited(command, timeout_s)
    except subprocess.TimeoutExpired:
        raise TranscodeFailed(f"Making the {what} took too long.") from None
    if result.returncode != 0:
        raise TranscodeFailed(f"The {what} could not be made from this file.")


def make_poster(source: Path, target: Path, duration_s: float) -> None:
    """Write a JPEG frame from a little way into `source` (a second in, or the middle)."""
    at = min(1.0, duration_s / 2)
    _ffmpeg(
        [
            "-ss",
            f"{at:.2f}",
            "-i",
            f"file:{source}",
            "-frames:v",
            "1",
            "-q:v",
            "4",
            "-vf",
            "scale='min(1280,iw)':-2",
            "-f",
            "image2",
            f"file:{target}",
        ],  # fmt: skip
        POSTER_TIMEOUT_S,
        "poster frame",
    )


def make_preview(source: Path, target: Path, width: int, height: int) -> None:
    """Write a small H.264/AAC MP4 of `source`: short side at most 360 pixels, fast start."""
    if width <= height:
        scale = f"scale='min({PREVIEW_SHORT_SIDE},iw)':-2"
    else:
        scale = f"scale=-2:'min({PREVIEW_SHORT_SIDE},ih)'"
    _ffmpeg(
        [
            "-i",
            f"file:{source}",
            "-vf",
            scale,
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "28",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
            "-threads",
            "1",
            "-f",
            "mp4",
            f"file:{target}",
        ],  # fmt: skip
        PREVIEW_TIMEOUT_S,
        "preview",
    )
