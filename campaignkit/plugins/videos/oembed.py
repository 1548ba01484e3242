"""A linked video's title, duration and thumbnail, from its host's oEmbed, and its embed address.

Links are taken from the hosts in ``[plugins.videos] oembed_hosts`` (YouTube and Vimeo
by default; an instance adds its PeerTube servers) and direct https links to a video
file. The worker asks the host's oEmbed endpoint through core's outbound guard (https
only, public addresses only, redirects re-checked, time and size limits), and keeps
only plain fields: title, duration when given, thumbnail address. The provider's HTML
is never stored or shown: the embed address is built here from the video's id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from campaignkit.core import OutboundRefused, checked_url, guarded_get, one_line

YOUTUBE_HOSTS = {"www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
FILE_EXTENSIONS = (".mp4", ".webm", ".mov", ".m4v")
OEMBED_TIMEOUT_S = 10.0
OEMBED_MAX_BYTES = 256 * 1024
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_PEERTUBE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class LinkRefused(ValueError):
    """The link cannot be used; the message says why, in words for the producer."""


@dataclass(frozen=True)
class LinkedVideo:
    """What a link is: its provider, the video's id on it, and where to embed it."""

    provider: str  # "youtube", "vimeo", "peertube" or "file"
    video_id: str
    url: str
    netloc: str

    @property
    def embed_url(self) -> str:
        """The player address for an <iframe> (or the file itself for "file")."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        if self.provider == "vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}"
        if self.provider == "peertube":
            return f"{self._scheme()}://{self.netloc}/videos/embed/{self.video_id}"
        return self.url

    def oembed_url(self) -> str | None:
        """Where the host answers oEmbed questions about this video (None for a file)."""
        quoted = quote(self.url, safe="")
        if self.provider == "youtube":
            return f"https://www.youtube.com/oembed?format=json&url={quoted}"
        if self.provider == "vimeo":
            return f"https://vimeo.com/api/oembed.json?url={quoted}"
        if self.provider == "peertube":
            return f"{self._scheme()}://{self.netloc}/services/oembed?format=json&url={quoted}"
        return None

    def _scheme(self) -> str:
        return urlsplit(self.url).scheme


@dataclass(frozen=True)
class LinkMetadata:
    """The plain fields kept from an oEmbed answer."""

    title: str | None
    duration_s: float | None
    thumbnail_url: str | None


def parse_link(
    url: str, allowed_hosts: list[str], insecure_servers: tuple[str, ...] = ()
) -> LinkedVideo:
    """Which video `url` names; `LinkRefused` when its host is not allowed or it names none."""
    parts = urlsplit((url or "").strip())
    netloc = parts.netloc.lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and netloc in insecure_servers):
        raise LinkRefused("Give the video's address, starting with https://.")
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in YOUTUBE_HOSTS and host in allowed_hosts:
        video_id = path.lstrip("/") if host == "youtu.be" else _youtube_id(path, parts.query)
        if not video_id or not _YOUTUBE_ID.fullmatch(video_id):
            raise LinkRefused("That YouTube address does not name a video.")
        return LinkedVideo("youtube", video_id, url.strip(), netloc)
    if host in VIMEO_HOSTS and host in allowed_hosts:
        found = re.fullmatch(r"/(?:video/)?(\d{1,12})/?", path)
        if not found:
            raise LinkRefused("That Vimeo address does not name a video.")
        return LinkedVideo("vimeo", found.group(1), url.strip(), netloc)
    if path.lower().endswith(FILE_EXTENSIONS) and host not in allowed_hosts:
        return LinkedVideo("file", path.rsplit("/", 1)[-1], url.strip(), netloc)
    if netloc in allowed_hosts or host in allowed_hosts:
        found = re.fullmatch(r"/(?:w|videos/watch)/([^/]+)/?", path)
        if not found or not _PEERTUBE_ID.fullmatch(found.group(1)):
            raise LinkRefused(f"That {host} address does not name a video.")
        return LinkedVideo("peertube", found.group(1), url.strip(), netloc)
    raise LinkRefused(
        f"Videos on {host or 'that site'} are not taken; use YouTube, Vimeo, the campaign's "
        "PeerTube or a direct https:// link to a video file."
    )


def _youtube_id(path: str, query: str) -> str | None:
    if path == "/watch":
        return (parse_qs(query).get("v") or [None])[0]
    found = re.fullmatch(r"/(?:shorts|embed|live)/([^/]+)/?", path)
    return found.group(1) if found else None


def fetch_metadata(
    link: LinkedVideo, insecure_servers: tuple[str, ...] = (), timeout_s: float = OEMBED_TIMEOUT_S
) -> LinkMetadata:
    """Ask the link's host (through the outbound guard) for the title, duration and thumbnail.

    Raises `LinkRefused` in words when the host is refused by the guard, does not answer
    in time, or answers with something that is not oEmbed JSON.
    """
    endpoint = link.oembed_url()
    try:
        if endpoint is None:  # a direct file: only check that it may be reached
            checked_url(link.url, insecure_servers)
            return LinkMetadata(link.video_id[:300] or None, None, None)
        response = guarded_get(endpoint, insecure_servers=insecure_servers,
                               timeout_s=timeout_s, max_bytes=OEMBED_MAX_BYTES)  # fmt: skip
    except OutboundRefused as refused:
        raise LinkRefused(f"The video's details could not be fetched: {refused}") from None
    if response.status_code == 404:
        raise LinkRefused("The host says there is no such video (or it is private).")
    if response.status_code != 200:
        raise LinkRefused(
            f"The host did not give the video's details (HTTP {response.status_code})."
        )
    try:
        found = response.json()
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise LinkRefused("The host's answer about the video was not readable.")
    return LinkMetadata(
        title=_text(found.get("title"), 300),
        duration_s=_seconds(found.get("duration")),
        thumbnail_url=_https_url(found.get("thumbnail_url"), insecure_servers),
    )


def _text(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    return one_line(value)[:limit] or None


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 < value < 24 * 3600 else None


def _https_url(value: object, insecure_servers: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or len(value) > 2000 or any(c.isspace() for c in value):
        return None
    parts = urlsplit(value)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.netloc.lower() in insecure_servers
    )
    return value if secure and parts.hostname else None
