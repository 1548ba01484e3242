"""What a video file holds, read by ``ffprobe`` from the local file only, and checked for a brief.

``ffprobe`` runs with ``-protocol_whitelist file`` (a crafted playlist cannot make it
fetch anything), a time limit and a memory and CPU-time limit (set in the child before it
starts), and its JSON is read into a `VideoInfo`. `problems_for_brief` names, in words,
why a file cannot be taken: not a video, an impossible duration, a wrong shape or a
length over the brief's.
"""

from __future__ import annotations

import json
import resource
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

#: Limits for ffprobe and ffmpeg: address space, CPU seconds, wall-clock seconds.
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
PROBE_TIMEOUT_S = 30
#: Durations taken at all (a brief's own limit is checked too).
MIN_SECONDS = 0.1
MAX_SECONDS = 3 * 3600
#: How far the shape may be from the brief's format and still pass (as a fraction).
ASPECT_TOLERANCE = 0.03
#: Containers ffprobe names for the video files taken.
VIDEO_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "flv"}


class NotAVideo(ValueError):
    """The file cannot be used; the message says why, in words for the producer."""


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe found in a file."""

    duration_s: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None
    container: str

    @property
    def aspect(self) -> Fraction:
        """Width over height as a fraction (1080×1920 → 9/16)."""
        return Fraction(self.width, self.height)


def limit_child(memory_bytes: int = MEMORY_LIMIT_BYTES, cpu_seconds: int = 600):  # noqa: ANN201
    """A ``preexec_fn`` that caps the child's memory and CPU time before it runs."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    return apply


def run_limited(command: list[str], timeout_s: float) -> subprocess.CompletedProcess:
    """Run `command` with the child limits and a wall-clock timeout; output is captured."""
    return subprocess.run(  # noqa: S603 - a fixed program and our own arguments
        command,
        capture_output=True,
        timeout=timeout_s,
        preexec_fn=limit_child(),  # noqa: PLW1509 - only setrlimit, safe before exec
        stdin=subprocess.DEVNULL,
        check=False,
    )


def probe(path: Path, timeout_s: float = PROBE_TIMEOUT_S) -> VideoInfo:
    """Read `path` with ffprobe; `NotAVideo` (with the reason) when it is not a usable video."""
    command = ["ffprobe", "-v", "error", "-protocol_whitelist", "file", "-print_format", "json",
               "-show_format", "-show_streams", "-i", f"file:{path}"]  # fmt: skip
    try:
        result = run_limited(command, timeout_s)
    except subprocess.TimeoutExpired:
        raise NotAVideo("Reading the file took too long; it may be damaged.") from None
    try:
        found = json.loads(result.stdout or b"{}")
    except ValueError:
        found = {}
    if result.returncode != 0 or not found.get("format"):
        raise NotAVideo("This file is not a video we can read (it may be damaged or cut short).")
    return _info(found)


def _info(found: dict) -> VideoInfo:
    container = found["format"].get("format_name", "")
    streams = found.get("streams", [])
    video = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if container not in VIDEO_CONTAINERS or not video:
        raise NotAVideo("This file is not a video (it has no moving picture).")
    stream = video[0]
    try:
        duration = float(found["format"].get("duration") or stream.get("duration") or 0)
        width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    except (TypeError, ValueError):
        raise NotAVideo("This file's header does not say how long or how large it is.") from None
    if width <= 0 or height <= 0:
        raise NotAVideo("This file's picture has no size; it may be damaged.")
    width, height = _displayed(stream, width, height)
    return VideoInfo(
        duration_s=duration,
        width=width,
        height=height,
        video_codec=str(stream.get("codec_name", ""))[:40],
        audio_codec=str(audio[0].get("codec_name", ""))[:40] if audio else None,
        container=container,
    )


def _displayed(stream: dict, width: int, height: int) -> tuple[int, int]:
    """The picture's size as shown: phones store portrait video rotated by 90 degrees."""
    rotation = 0
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            rotation = int(side["rotation"])
    rotation = rotation or int(stream.get("tags", {}).get("rotate", 0) or 0)
    return (height, width) if abs(rotation) % 180 == 90 else (width, height)


def problems_for_brief(info: VideoInfo, format_: str | None, max_seconds: int | None) -> list[str]:
    """Why `info` does not fit a brief (format "9:16", "1:1" or "16:9", a length), in words."""
    problems = []
    if info.duration_s < MIN_SECONDS:
        problems.append("The video has no length (0 seconds).")
    elif info.duration_s > MAX_SECONDS:
        problems.append(
            f"The video is {info.duration_s / 3600:.1f} hours long; the most taken is "
            f"{MAX_SECONDS // 3600} hours."
        )
    elif max_seconds and info.duration_s > max_seconds + 0.5:
        problems.append(
            f"The video is {info.duration_s:.0f} seconds long; the brief allows {max_seconds}."
        )
    if format_:
        wide, high = (int(part) for part in format_.split(":"))
        wanted = wide / high
        if abs(info.width / info.height - wanted) > wanted * ASPECT_TOLERANCE:
            problems.append(
                f"The video is {info.width}×{info.height}; the brief asks for {format_} "
                f"(such as {_example(format_)})."
            )
    return problems


def _example(format_: str) -> str:
    return {"9:16": "1080×1920", "1:1": "1080×1080", "16:9": "1920×1080"}.get(format_, format_)
