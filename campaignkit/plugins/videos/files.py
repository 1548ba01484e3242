"""Deleting a video's stored files, through the plugin's storage (``storage.delete_key``).

The workflow never touches files itself: takedown purges and erasures hand
the keys (file, poster, preview, captions) to ``delete_stored_files``.
"""

from __future__ import annotations

from campaignkit.plugins.videos.models import Submission

KEY_FIELDS = ("file_key", "poster_key", "preview_key", "captions_key")


def keys_of(row: Submission) -> list[str]:
    """The stored files a submission has (none for a link without a poster)."""
    return [key for key in (getattr(row, name) for name in KEY_FIELDS) if key]


def forget_keys(row: Submission) -> None:
    """Clear a submission's file keys (after its files are deleted)."""
    for name in KEY_FIELDS:
        setattr(row, name, None)


def delete_stored_files(keys: list[str]) -> int:
    """Delete stored files by key; returns how many. A missing file is not an error.

    Raises RuntimeError when there are keys but the plugin has no storage
    module to delete them with (the files stay, and nothing is marked purged).
    """
    if not keys:
        return 0
    try:
        from campaignkit.plugins.videos import storage  # noqa: PLC0415 - the media part
    except ImportError as exc:
        raise RuntimeError("videos: no storage module to delete files with") from exc
    for key in keys:
        storage.delete_key(key)
    return len(keys)
