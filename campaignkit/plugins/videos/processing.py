"""The media job: probe an upload, draw its poster and preview, or fetch a link's details.

``start_processing(submission_id)`` queues the job and records its id on the
submission (``/jobs/<id>`` shows its progress). The job only reads the uploaded
file and writes new files under keys derived from it, so a worker killed half-way
leaves the upload as it was, and running the job again redoes the work from the start
(overwriting any half-made poster or preview). A file that is not a video, or breaks
the brief's format or length, or a link whose details cannot be fetched, ends with
``media_status`` "failed" and the reason in ``media_error``; the review ``state`` is
never changed here.
"""

from __future__ import annotations

import hashlib

from campaignkit.core import Progress, enqueue_job, job, plugin_settings, write_session
from campaignkit.plugins.videos.models import LINK, Brief, Submission, now
from campaignkit.plugins.videos.oembed import LinkRefused, fetch_metadata, parse_link
from campaignkit.plugins.videos.probe import NotAVideo, probe, problems_for_brief
from campaignkit.plugins.videos.storage import StoreError, VideoStore, video_store
from campaignkit.plugins.videos.transcode import TranscodeFailed, make_poster, make_preview

JOB_NAME = "campaignkit.plugins.videos.processing.process_media"


def register(huey) -> None:  # noqa: ANN001 - a Huey queue
    """Declare the media job on the app's queue."""

    @job(huey, title="Process a video")
    def process_media(progress: Progress, submission_id: int) -> str:
        return process_submission(progress, submission_id)


def start_processing(submission_id: int) -> str:
    """Queue the media job for a submission and record its id on it; returns the job id."""
    _update(submission_id, media_status="pending", media_error=None)
    job_id = enqueue_job(JOB_NAME, submission_id)
    _update(submission_id, media_job_id=job_id)
    return job_id


def derived_key(file_key: str, what: str, extension: str) -> str:
    """The key of a file made from an upload (its poster, its preview): the same every run."""
    return hashlib.sha256(f"{file_key}\0{what}".encode()).hexdigest()[:32] + extension


def _update(submission_id: int, **values: object) -> None:
    with write_session() as session:
        row = session.get(Submission, submission_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now()


def _read(submission_id: int) -> tuple[Submission, Brief | None] | None:
    with write_session() as session:
        row = session.get(Submission, submission_id)
        if row is None:
            return None
        brief = session.get(Brief, row.brief_id) if row.brief_id else None
        session.expunge_all()
        return row, brief


def process_submission(progress: Progress, submission_id: int) -> str:
    """Do the media work for one submission; returns what happened, in a sentence."""
    found = _read(submission_id)
    if found is None:
        return "The submission no longer exists."
    row, brief = found
    _update(submission_id, media_status="processing", media_error=None)
    try:
        if row.kind == LINK:
            values = _link_values(progress, row)
        else:
            values = _upload_values(progress, row, brief, video_store())
    except (NotAVideo, LinkRefused, TranscodeFailed, StoreError) as refused:
        _update(submission_id, media_status="failed", media_error=str(refused))
        return f"Not taken: {refused}"
    _update(submission_id, media_status="ready", media_error=None, **values)
    return "The video is ready for review."


def _link_values(progress: Progress, row: Submission) -> dict:
    settings = plugin_settings("videos")
    insecure = tuple(settings.insecure_servers)
    progress.update(0, total=1, message="Fetching the video's details")
    link = parse_link(row.link_url or "", list(settings.oembed_hosts), insecure)
    metadata = fetch_metadata(link, insecure)
    progress.update(1, total=1, message="Fetched the video's details")
    return {
        "link_title": metadata.title,
        "link_thumbnail_url": metadata.thumbnail_url,
        "link_provider": link.provider,
        "duration_s": metadata.duration_s,
    }


def _upload_values(
    progress: Progress, row: Submission, brief: Brief | None, store: VideoStore
) -> dict:
    if not row.file_key:
        raise NotAVideo("No file was uploaded.")
    source = store.path(row.file_key)
    progress.update(0, total=3, message="Reading the file")
    info = probe(source)
    problems = problems_for_brief(
        info, brief.format if brief else None, brief.max_seconds if brief else None
    )
    if problems:
        raise NotAVideo(" ".join(problems))
    progress.update(1, total=3, message="Drawing the poster frame")
    poster_key = derived_key(row.file_key, "poster", ".jpg")
    _make(store, poster_key, lambda target: make_poster(source, target, info.duration_s))
    progress.update(2, total=3, message="Making the phone-sized preview")
    preview_key = derived_key(row.file_key, "preview", ".mp4")
    _make(store, preview_key, lambda to: make_preview(source, to, info.width, info.height))
    progress.update(3, total=3, message="Done")
    return {
        "duration_s": info.duration_s,
        "width": info.width,
        "height": info.height,
        "video_codec": info.video_codec,
        "audio_codec": info.audio_codec,
        "poster_key": poster_key,
        "preview_key": preview_key,
    }


def _make(store: VideoStore, key: str, draw) -> None:  # noqa: ANN001 - draw(path)
    """Draw a file into the store's unfinished file for `key`, then make it the stored one."""
    store.abort(key)  # a half-made file from a run that was cut short
    try:
        draw(store.part_path(key))
    except BaseException:
        store.abort(key)
        raise
    store.commit(key)
