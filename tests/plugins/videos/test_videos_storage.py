"""The folder store: server-made keys only, whole files only, and sizes and free space."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaignkit.plugins.videos.storage import FolderStore, StoreError, extension_for


def test_a_file_is_written_in_chunks_and_appears_only_when_committed(tmp_path: Path):
    store = FolderStore(tmp_path)
    key = store.new_key(".mp4")
    with store.open_part(key) as part:
        part.write(b"a" * 10)
    with store.open_part(key, 10) as part:
        part.write(b"b" * 5)
    assert store.part_size(key) == 15
    with pytest.raises(StoreError, match="no longer stored"):
        store.path(key)
    with pytest.raises(StoreError, match="offset"):
        store.open_part(key, 3)
    store.commit(key)
    assert store.size(key) == 15 and store.path(key).read_bytes() == b"a" * 10 + b"b" * 5
    store.delete_key(key)
    assert list(tmp_path.iterdir()) == []
    assert store.free_bytes() > 0


@pytest.mark.parametrize(
    "key", ["../campaign.toml", "x.mp4", "0" * 32 + ".py", "/etc/passwd", "0" * 32 + ".mp4/.."]
)
def test_keys_that_the_store_did_not_make_are_refused(tmp_path: Path, key: str):
    store = FolderStore(tmp_path)
    for use in (store.path, store.delete_key, store.open_part, store.abort):
        with pytest.raises(StoreError):
            use(key)


def test_extensions_come_from_a_short_list():
    assert extension_for("My Film.MOV") == ".mov"
    assert extension_for("../../evil.sh") == ".bin"
    assert extension_for("poster.jpg") == ".bin"
    assert extension_for(None) == ".bin"
