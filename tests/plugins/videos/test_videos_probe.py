"""ffprobe reads real files; liars, sound, pictures and cut files are refused in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from videos_clips import clips  # noqa: F401 - the session's clips fixture

from campaignkit.plugins.videos.probe import NotAVideo, VideoInfo, probe, problems_for_brief
from campaignkit.plugins.videos.transcode import make_poster, make_preview


def test_a_portrait_clip_is_read(clips):  # noqa: ANN001, F811
    info = probe(clips["portrait.mp4"])
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (
        180, 320, "h264", "aac"
    )  # fmt: skip
    assert 1.9 <= info.duration_s <= 2.2
    assert str(info.aspect) == "9/16"
    assert problems_for_brief(info, "9:16", 60) == []
    assert probe(clips["square.webm"]).audio_codec is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [("text.mp4", "not a video"), ("png-named.mp4", "not a video"),
     ("sound.m4a", "no moving picture"), ("truncated.mp4", "not a video we can read"),
     ("picture.png", "not a video")],
)  # fmt: skip
def test_files_that_are_not_whole_videos_are_refused_in_words(clips, name, reason):  # noqa: ANN001, F811
    with pytest.raises(NotAVideo, match=reason):
        probe(clips[name])


def test_a_path_is_only_ever_a_local_file(tmp_path: Path):
    playlist = tmp_path / "list.m3u8"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://169.254.169.254/latest/meta-data\n")
    with pytest.raises(NotAVideo):
        probe(playlist)


def _info(seconds: float, width: int = 180, height: int = 320) -> VideoInfo:
    return VideoInfo(seconds, width, height, "h264", None, "mov,mp4,m4a,3gp,3g2,mj2")


def test_shape_and_length_are_checked_against_the_brief(clips):  # noqa: ANN001, F811
    landscape = probe(clips["landscape.mp4"])
    assert problems_for_brief(landscape, "9:16", 60) == [
        "The video is 320×180; the brief asks for 9:16 (such as 1080×1920)."
    ]
    assert problems_for_brief(landscape, "16:9", 60) == []
    assert problems_for_brief(_info(10, 1080, 1916), "9:16", 60) == []  # within tolerance
    assert problems_for_brief(_info(0), None, None) == ["The video has no length (0 seconds)."]
    assert "10.0 hours" in problems_for_brief(_info(36000), None, None)[0]
    assert problems_for_brief(_info(75), "9:16", 60) == [
        "The video is 75 seconds long; the brief allows 60."
    ]


def test_poster_and_preview_are_made(clips, tmp_path: Path):  # noqa: ANN001, F811
    source = clips["portrait.mp4"]
    make_poster(source, tmp_path / "poster.jpg", 2.0)
    assert (tmp_path / "poster.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    make_preview(source, tmp_path / "preview.mp4", 180, 320)
    preview = probe(tmp_path / "preview.mp4")
    assert (preview.video_codec, preview.audio_codec) == ("h264", "aac")
    assert preview.width <= 360
