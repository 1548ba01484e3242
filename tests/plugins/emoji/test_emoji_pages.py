"""Organiser, volunteer and public pages: create a pack, submit art, review it, see the gallery."""

from __future__ import annotations

import io

import pytest
from emoji_helpers import png, upload
from PIL import Image

from campaignkit import hookimpl
from campaignkit.plugins.emoji.models import APPROVED, CHANGES, PENDING, REJECTED, Art, Pack


class ApprovalRecorder:
    """A test plugin that notes every ``campaignkit_emoji_approved`` call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []

    @hookimpl
    def campaignkit_emoji_approved(self, pack, art):  # noqa: ANN001
        self.calls.append((pack.slug, art.name, art.image[:4]))


def test_submit_review_approve_and_show(backend, make_app, organiser, make_user, login,
                                        csrf_token, rows):  # noqa: ANN001 # fmt: skip
    recorder = ApprovalRecorder()
    app = make_app(extra_plugins=[("recorder", recorder)])
    organiser = app.test_client()
    login(organiser, "org@example.org")
    volunteer = app.test_client()
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    assert upload(volunteer, csrf_token).status_code == 303
    (art,) = rows(Art)
    assert (art.status, art.credit_name, art.submitter_email) == (
        PENDING,
        "Sam R",
        "vol@example.org",
    )
    public = app.test_client()
    assert ":red_rose:" not in public.get("/emoji/roses").get_data(as_text=True)
    assert public.get(f"/emoji/art/{art.id}.png").status_code == 404  # not approved yet

    queue = organiser.get("/organise/emoji/review").get_data(as_text=True)
    assert ":red_rose:" in queue and "Sam R" in queue
    pending = organiser.get(f"/organise/emoji/review/{art.id}/image")
    assert (
        pending.mimetype == "image/png" and pending.headers["Cache-Control"] == "private, no-store"
    )
    decided = organiser.post(
        f"/organise/emoji/review/{art.id}",
        data={"decision": "approve", "csrf_token": csrf_token(organiser)},
    )
    assert decided.status_code == 303
    assert rows(Art)[0].status == APPROVED and rows(Pack)[0].version == 2
    assert recorder.calls == [("roses", "red_rose", b"\x89PNG")]
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/emoji/review/{art.id}", data=form)  # approving twice
    assert len(recorder.calls) == 1 and rows(Pack)[0].version == 2

    page = public.get("/emoji/roses").get_data(as_text=True)
    assert ":red_rose:" in page and "by Sam R" in page and "vol@example.org" not in page
    assert "share-list" in page and "Red roses" in public.get("/emoji").get_data(as_text=True)
    served = public.get(f"/emoji/art/{art.id}.png")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.data == art.image and served.headers["X-Content-Type-Options"] == "nosniff"
    assert public.get(f"/emoji/art/{art.id}.webp").status_code == 404
    assert 'href="/emoji"' in public.get("/").get_data(as_text=True)  # the nav item
    assert "/emoji/static/emoji/emoji.css" in page
    assert '/emoji/roses/og.png">' in page
    og = public.get("/emoji/roses/og.png")
    assert og.status_code == 200 and og.mimetype == "image/png"
    with Image.open(io.BytesIO(og.data)) as drawn:
        assert drawn.size == (1200, 630)
        assert drawn.convert("RGB").getpixel((200, 240)) == (200, 30, 40)  # the first cell
    assert "emoji-gallery" in public.get("/emoji/static/emoji/emoji.css").get_data(as_text=True)


@pytest.mark.parametrize(("decision", "status", "subject"), [
    ("reject", REJECTED, "was not accepted"), ("changes", CHANGES, "Please change"),
])  # fmt: skip
def test_reject_or_ask_for_changes_mails_the_reason(backend, app, organiser, make_user, login,
                                                    csrf_token, rows, mailbox, decision, status,
                                                    subject):  # noqa: ANN001 # fmt: skip
    volunteer = app.test_client()
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    upload(volunteer, csrf_token)
    art_id = rows(Art)[0].id
    no_reason = organiser.post(
        f"/organise/emoji/review/{art_id}",
        data={"decision": decision, "csrf_token": csrf_token(organiser)},
    )
    assert no_reason.status_code == 303 and rows(Art)[0].status == PENDING
    assert mailbox.to("vol@example.org") == []
    form = {"decision": decision, "reason": "The petals are cut off.",
            "csrf_token": csrf_token(organiser)}  # fmt: skip
    assert organiser.post(f"/organise/emoji/review/{art_id}", data=form).status_code == 303
    assert rows(Art)[0].status == status and rows(Pack)[0].version == 1
    (mail,) = mailbox.to("vol@example.org")
    assert subject in mail["Subject"] and "The petals are cut off." in mail.get_content()

    other = app.test_client()
    login(other, make_user("other@example.org", role="volunteer"))
    taken = upload(other, csrf_token, credit="Someone else")
    assert taken.status_code == 400 and "already has art called" in taken.get_data(as_text=True)
    again = upload(volunteer, csrf_token, data=png((80, 80)), emojis="🌹✨")
    assert again.status_code == 303  # the volunteer's own piece, sent again under its name
    (art,) = rows(Art)
    assert (art.id, art.status, art.emojis, art.width) == (art_id, PENDING, "🌹✨", 80)
    assert art.review_reason == ""
    assert ":red_rose:" in organiser.get("/organise/emoji/review").get_data(as_text=True)


def test_bad_submissions_store_nothing_and_say_why(backend, app, organiser, make_user, login,
                                                   csrf_token, rows):  # noqa: ANN001 # fmt: skip
    volunteer = app.test_client()
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    cases = [
        ({"data": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}, "not a picture"),
        ({"data": b""}, "empty"),
        ({"name": "red rose"}, "2 to 32 characters"),
        ({"name": "🌹"}, "2 to 32 characters"),
        ({"emojis": "rose"}, "one to three emoji"),
        ({"credit": ""}, "credit"),
        ({"slug": "roses", "filename": ""}, "Choose a picture"),
    ]
    for change, message in cases:
        response = upload(volunteer, csrf_token, **change)
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert rows(Art) == []
    assert upload(volunteer, csrf_token).status_code == 303
    taken = upload(volunteer, csrf_token)
    assert taken.status_code == 400 and "already has art called" in taken.get_data(as_text=True)
    assert len(rows(Art)) == 1


def test_organiser_edits_a_pack(backend, organiser, csrf_token, rows):  # noqa: ANN001
    pack_id = rows(Pack)[0].id
    assert rows(Pack)[0].licence == "CC BY-SA 4.0"
    form = {"title": "", "licence": "CC0", "csrf_token": csrf_token(organiser)}
    bad = organiser.post(f"/organise/emoji/{pack_id}/edit", data=form)
    assert bad.status_code == 400 and "title" in bad.get_data(as_text=True)
    form = {"title": "Roses", "licence": "CC0", "credits": "Drawn by the Leeds group",
            "csrf_token": csrf_token(organiser)}  # fmt: skip
    assert organiser.post(f"/organise/emoji/{pack_id}/edit", data=form).status_code == 303
    (pack,) = rows(Pack)
    assert (pack.title, pack.licence, pack.version) == ("Roses", "CC0", 2)
    duplicate = {"slug": "roses", "title": "Again", "csrf_token": csrf_token(organiser)}
    answer = organiser.post("/organise/emoji", data=duplicate)
    assert answer.status_code == 400 and "already uses" in answer.get_data(as_text=True)
