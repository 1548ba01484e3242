"""WebVTT captions: good files pass, and each kind of bad one is refused saying where."""

from __future__ import annotations

import pytest

from campaignkit.plugins.videos.captions import CaptionsInvalid, check_webvtt

GOOD = """WEBVTT - made by hand

NOTE a comment

1
00:00.000 --> 00:01.500
Hello

00:00:01.500 --> 00:00:02.000 align:start
<v Sam>Vote!</v>
"""


def test_a_good_file_passes():
    assert check_webvtt(GOOD.encode()) == 2
    assert check_webvtt(("\ufeff" + GOOD.replace("\n", "\r\n")).encode()) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"1\n00:00.000 --> 00:01.000\nHi\n", 'starts with the line "WEBVTT"'),
     (b"WEBVTT\n\n00:00.000 -> 00:01.000\nHi\n", "Line 3: expected a timing"),
     (b"WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n", "ends before it starts"),
     (b"WEBVTT\n\n00:00.000 --> 00:01.000\n", "no text"),
     (b"WEBVTT\n", "no captions"),
     (b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe\n", "not UTF-8"),
     (b"WEBVTT\n" + b"x" * (600 * 1024), "larger than")],
)  # fmt: skip
def test_bad_files_are_refused_in_words(data: bytes, reason: str):
    with pytest.raises(CaptionsInvalid, match=reason):
        check_webvtt(data)
