"""Organisers' frames: upload through the intake checks, refusals, retiring, deleting, roles."""

from __future__ import annotations

import io

import pytest
from emoji_helpers import animated_gif
from frame_helpers import add_frame, frame_png, photo
from PIL import Image
from test_emoji_intake import png_claiming

from campaignkit.plugins.emoji.frames import Frame, clean_frame
from campaignkit.plugins.emoji.intake import IntakeError

LIMIT = 5 * 1024 * 1024


def test_an_organiser_uploads_a_frame_stored_as_an_800_png(backend, app, organiser, csrf_token,
                                                           rows):  # noqa: ANN001  # fmt: skip
    source = Image.open(io.BytesIO(frame_png(side=600)))
    out = io.BytesIO()
    source.save(out, "PNG", pnginfo=_text_chunk("Author", "Secret Designer"))
    assert add_frame(organiser, csrf_token, data=out.getvalue()).status_code == 303
    (frame,) = rows(Frame)
    assert (frame.title, frame.retired, frame.made_count) == ("Vote Green", False, 0)
    assert b"Secret Designer" not in frame.image
    with Image.open(io.BytesIO(frame.image)) as stored:
        assert (stored.format, stored.size, stored.mode) == ("PNG", (800, 800), "RGBA")
    listing = organiser.get("/organise/emoji/frames").get_data(as_text=True)
    assert "Vote Green" in listing and "0 pictures made" in listing
    public = app.test_client().get("/emoji/frames").get_data(as_text=True)
    assert f"/emoji/frames/{frame.id}" in public


def _text_chunk(key: str, value: str):  # noqa: ANN202
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


def _opaque_png() -> bytes:
    return frame_png(hole=False)


def _rgb_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 800), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


def _animated_png() -> bytes:
    frames = [Image.open(io.BytesIO(frame_png(side=400))) for _ in range(2)]
    frames[1] = frames[1].rotate(90)
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


BAD_FRAMES = {
    "no transparency": (_opaque_png(), "no see-through part"),
    "no alpha at all": (_rgb_png(), "no see-through part"),
    "a JPEG": (photo(size=(800, 800)), "use PNG"),
    "a GIF": (animated_gif(2, (400, 400)), "use PNG"),
    "a bomb": (png_claiming(60_000, 60_000), "too many pixels"),
    "truncated": (frame_png()[:300], "cut short"),
    "empty": (b"", "empty"),
    "html": (b"<html><script>alert(1)</script></html>", "not a picture"),
    "not square": (frame_png(size=(800, 600)), "must be square"),
    "too small": (frame_png(side=200), "too small"),
    "animated PNG": (_animated_png(), "still PNG"),
}


@pytest.mark.parametrize("kind", BAD_FRAMES)
def test_each_kind_of_bad_frame_is_refused_with_a_message(kind: str):
    data, message = BAD_FRAMES[kind]
    with pytest.raises(IntakeError, match=message):
        clean_frame(data, LIMIT)


def test_a_refused_frame_comes_back_with_the_message_and_nothing_is_stored(
    app, organiser, csrf_token, rows
):  # noqa: ANN001
    for kind in ("no transparency", "a JPEG", "a bomb", "empty"):
        data, message = BAD_FRAMES[kind]
        answer = add_frame(organiser, csrf_token, data=data)
        assert answer.status_code == 400
        assert message in answer.get_data(as_text=True)
    big = add_frame(organiser, csrf_token, data=b"\x89PNG" + b"0" * LIMIT)
    assert big.status_code == 400 and "too large" in big.get_data(as_text=True)
    assert rows(Frame) == []


def test_a_title_and_a_file_are_needed(app, organiser, csrf_token, rows):  # noqa: ANN001
    assert "title" in add_frame(organiser, csrf_token, title=" ").get_data(as_text=True)
    form = {"title": "T", "csrf_token": csrf_token(organiser)}
    answer = organiser.post("/organise/emoji/frames", data=form)
    assert answer.status_code == 400 and "Choose the frame" in answer.get_data(as_text=True)
    assert rows(Frame) == []


def test_retire_restore_and_delete(backend, app, organiser, frame_id, csrf_token, rows):  # noqa: ANN001
    public = app.test_client()
    base = f"/organise/emoji/frames/{frame_id}"
    retire = {"retired": "yes", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"{base}/retire", data=retire).status_code == 303
    assert rows(Frame)[0].retired
    assert public.get(f"/emoji/frames/{frame_id}").status_code == 404
    assert public.get(f"/emoji/frames/{frame_id}/frame.png").status_code == 404
    assert organiser.get(f"{base}/frame.png").status_code == 200  # organisers still see it
    assert "(retired)" in organiser.get("/organise/emoji/frames").get_data(as_text=True)
    restore = {"retired": "no", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"{base}/retire", data=restore).status_code == 303
    assert public.get(f"/emoji/frames/{frame_id}").status_code == 200
    assert organiser.post(f"{base}/retire", data={**restore, "retired": "x"}).status_code == 400
    token = {"csrf_token": csrf_token(organiser)}
    assert organiser.post(f"{base}/delete", data=token).status_code == 303
    assert rows(Frame) == []
    assert organiser.post(f"{base}/delete", data=token).status_code == 404
    assert public.get(f"/emoji/frames/{frame_id}").status_code == 404


def test_only_organisers_manage_frames_and_every_form_needs_its_csrf_token(
    app, organiser, frame_id, make_user, login, csrf_token, rows
):  # noqa: ANN001
    volunteer = app.test_client()
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    base = f"/organise/emoji/frames/{frame_id}"
    assert volunteer.get("/organise/emoji/frames").status_code == 403
    assert add_frame(volunteer, csrf_token).status_code == 403
    token = {"csrf_token": csrf_token(volunteer)}
    assert volunteer.post(f"{base}/retire", data={**token, "retired": "yes"}).status_code == 403
    assert volunteer.post(f"{base}/delete", data=token).status_code == 403
    assert volunteer.get(f"{base}/frame.png").status_code == 403
    assert app.test_client().get("/organise/emoji/frames").status_code in (302, 401)
    # The organiser's own forms without the token.
    form = {"title": "T", "image": (io.BytesIO(frame_png()), "f.png")}
    assert organiser.post("/organise/emoji/frames", data=form).status_code == 400
    assert organiser.post(f"{base}/retire", data={"retired": "yes"}).status_code == 400
    assert organiser.post(f"{base}/delete").status_code == 400
    assert [(f.id, f.retired) for f in rows(Frame)] == [(frame_id, False)]
