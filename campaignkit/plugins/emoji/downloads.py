"""Exports of a pack for each chat app: built by a background job, cached, downloaded.

An export is built from the pack's approved art (``pack_export_input``) and
written atomically to ``<instance>/emoji-exports/<slug>/<platform>-v<version>.<ext>``;
``Pack.version`` goes up whenever approved art changes, so a cached file is
used until the pack changes, and older versions are removed when a new one is
written. The pack page offers one button per platform: a cached export is a
plain download; otherwise the button (a POST) starts the job and shows its
progress page. How often one address may press a button is the
``download_rate`` setting.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import abort, current_app, redirect, send_file, url_for
from huey import Huey
from sqlalchemy import select

from campaignkit.core import (
    Progress,
    campaign_name,
    enqueue_job,
    job,
    plugin_settings,
    rate_limited,
    read_session,
)
from campaignkit.plugins.emoji.exports import (
    PLATFORMS,
    ArtImage,
    PackInfo,
    build_export,
    export_filename,
)
from campaignkit.plugins.emoji.models import Pack, approved_art
from campaignkit.plugins.emoji.views import bp, pack_or_404

#: The export job's name, for ``enqueue_job``.
EXPORT_JOB = f"{__name__}.build_pack_export"
CACHE_FOLDER = "emoji-exports"

#: What each button says, and how to install what it downloads, in plain words.
INSTALL_STEPS = {
    "slack": ("Slack", "Unzip it, then in Slack open Customise workspace → Emoji → "
              "Add custom emoji and add each picture (its file name is its name)."),
    "discord": ("Discord", "Unzip it, then in your server open Server settings → Emoji → "
                "Upload emoji and choose the pictures."),
    "telegram": ("Telegram", "Unzip it, then send the stickers to @Stickers in Telegram "
                 "(/newpack), or ask an organiser for the ready-made sticker link."),
    "whatsapp": ("WhatsApp", "Open it with a sticker-maker app (such as Sticker Maker) on "
                 "your phone and tap Add to WhatsApp."),
    "signal": ("Signal", "Unzip it, then in Signal Desktop choose File → Create/upload "
               "sticker pack and add the pictures with their emoji."),
    "mastodon": ("Mastodon", "For server admins: run tootctl emoji import with the "
                 "downloaded file to add every emoji in one go."),
}  # fmt: skip


def pack_export_input(session, pack: Pack) -> tuple[PackInfo, list[ArtImage]]:  # noqa: ANN001
    """What ``build_export`` needs for a pack: its details and its approved art."""
    info = PackInfo(
        slug=pack.slug, title=pack.title, publisher=campaign_name(),
        licence=pack.licence, credits=pack.credits,
    )  # fmt: skip
    arts = [
        ArtImage(name=a.name, emojis=a.emojis, data=a.image, animated=a.animated)
        for a in approved_art(session, pack.id)
    ]
    return info, arts


def cache_path(slug: str, platform: str, version: int) -> Path:
    """Where the export of this version of a pack for this platform is kept."""
    suffix = ".tar.gz" if platform == "mastodon" else ".zip"
    folder = Path(current_app.instance_path) / CACHE_FOLDER / slug
    return folder / f"{platform}-v{version}{suffix}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the whole file or none of it.

    The file is readable by everyone (exports are public), as a plain write would leave it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # noqa: S103 - a public download, like any other file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_cached_export(
    slug: str, platform: str, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Build (unless already cached) the pack's current export; returns the file."""
    with read_session() as session:
        pack = session.scalars(select(Pack).where(Pack.slug == slug)).first()
        if pack is None:
            raise LookupError(f"There is no emoji pack called {slug!r}.")
        path = cache_path(slug, platform, pack.version)
        if path.exists():
            return path
        info, arts = pack_export_input(session, pack)
    write_atomically(path, build_export(platform, info, arts, progress))
    for old in path.parent.glob(f"{platform}-v*"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def register(huey: Huey) -> None:
    """Declare the export job on a queue."""

    @job(huey, title="Prepare an emoji pack download")
    def build_pack_export(progress: Progress, slug: str, platform: str) -> None:
        """Build and cache one pack's export for one platform, with progress per picture."""

        def report(done: int, total: int) -> None:
            progress.update(done, total=total, message=f"{done} of {total} pictures")

        build_cached_export(slug, platform, report)


def cached_platforms(pack: Pack) -> set[str]:
    """The platforms whose export of the pack's current version is ready."""
    return {p for p in PLATFORMS if cache_path(pack.slug, p, pack.version).exists()}


@bp.context_processor
def download_buttons() -> dict:
    """``download_buttons(pack)`` for the pack page: (platform, label, steps, ready) each."""

    def buttons(pack: Pack) -> list[tuple[str, str, str, bool]]:
        ready = cached_platforms(pack)
        return [(p, *INSTALL_STEPS[p], p in ready) for p in PLATFORMS]

    return {"download_buttons": buttons}


def _platform_or_404(platform: str) -> str:
    if platform not in PLATFORMS:
        abort(404, description="There is no download for that app.")
    return platform


@bp.get("/<slug>/download/<platform>")
def download(slug: str, platform: str):
    """The pack's export for one app, when it is ready; else back to the pack page."""
    found, platform = pack_or_404(slug), _platform_or_404(platform)
    path = cache_path(found.slug, platform, found.version)
    if not path.exists():
        return redirect(url_for(".pack", slug=found.slug, _anchor="downloads"), 303)
    name = export_filename(platform, PackInfo(found.slug, found.title, "", "", ""))
    return send_file(path, as_attachment=True, download_name=name, max_age=0)


@bp.post("/<slug>/download/<platform>")
@rate_limited(lambda: plugin_settings("emoji").download_rate)
def prepare_download(slug: str, platform: str):
    """Start building the pack's export for one app and show the job's progress."""
    found, platform = pack_or_404(slug), _platform_or_404(platform)
    if cache_path(found.slug, platform, found.version).exists():
        return redirect(url_for(".download", slug=found.slug, platform=platform), 303)
    job_id = enqueue_job(EXPORT_JOB, found.slug, platform)
    back = url_for(".pack", slug=found.slug, _anchor=f"download-{platform}")
    return redirect(url_for("core.job_page", job_id=job_id, back=back), 303)
