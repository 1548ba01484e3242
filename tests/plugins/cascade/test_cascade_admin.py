"""Organiser pages: writing a cascade (bad input refused), starting it, its reach; permissions."""

from __future__ import annotations

import io

from cascade_helpers import own_code
from PIL import Image

from campaignkit.core import public_url
from campaignkit.plugins.cascade.models import Cascade, Node


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 16, 46)).save(out, "PNG")
    return out.getvalue()


BAD_FORMS = [
    ({"title": ""}, "title"),
    ({"text": "  "}, "message"),
    ({"link": "http://example.org"}, "https://"),
    ({"link": "javascript:alert(1)"}, "https://"),
]


def test_bad_input_is_refused_with_a_clear_message(organiser, csrf_token, rows):  # noqa: ANN001
    for fields, message in BAD_FORMS:
        form = {"title": "Vote", "text": "Go vote", "link": "", **fields}
        data = {**form, "csrf_token": csrf_token(organiser)}
        response = organiser.post("/organise/cascade", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert rows(Cascade) == []


def test_a_picture_is_re_encoded_and_a_non_picture_refused(app, organiser, csrf_token, rows):  # noqa: ANN001
    form = {"title": "Vote", "text": "Go vote", "csrf_token": csrf_token(organiser)}
    fake = {**form, "image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")}
    refused = organiser.post("/organise/cascade", data=fake, content_type="multipart/form-data")
    assert refused.status_code == 400 and "not a picture" in refused.text and rows(Cascade) == []
    good = {**form, "csrf_token": csrf_token(organiser), "image": (io.BytesIO(_png()), "a.png")}
    made = organiser.post("/organise/cascade", data=good, content_type="multipart/form-data")
    assert made.status_code == 303
    (cascade,) = rows(Cascade)
    start = {"status": "running", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/cascade/{cascade.id}/status", data=start)
    picture = app.test_client().get(f"/cascade/{cascade.id}/image.jpg")
    assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"
    # The share preview (Open Graph) shows the picture, at the configured public address.
    (root,) = [node for node in rows(Node, cascade_id=cascade.id) if node.parent_id is None]
    message = app.test_client().get(f"/c/{root.code}", base_url="http://evil.example")
    preview = app.test_client().get(message.location, base_url="http://evil.example").text
    image = f"{public_url(app)}/cascade/{cascade.id}/image.jpg"
    assert f'<meta property="og:image" content="{image}">' in preview
    assert "evil.example" not in preview


def test_the_organiser_view_shows_reach_generations_seats_and_branches(  # noqa: PLR0913
    app,
    organiser,
    start_cascade,
    rows,
    csrf_token,  # noqa: ANN001
):
    root = start_cascade()
    ann = app.test_client()
    ann_code = own_code(ann.get(root, follow_redirects=True).text)
    ann.post(f"/c/{ann_code}/seat", data={"postcode": "SW1A 1AA", "csrf_token": csrf_token(ann)})
    forward = {"target": "whatsapp", "csrf_token": csrf_token(ann)}
    assert ann.post(f"/c/{ann_code}/forward", data=forward).status_code == 303
    for _ in range(3):
        app.test_client().get(f"/c/{ann_code}", follow_redirects=True)
    (cascade,) = rows(Cascade)
    page = organiser.get(f"/organise/cascade/{cascade.id}").get_data(as_text=True)
    assert "<svg" in page and "Reach over time: 4 opens" in page
    assert "<td>1</td><td>1</td>" in page and "<td>2</td><td>3</td>" in page  # generations
    assert "Cities of London and Westminster</td><td>1</td>" in page
    assert "<li>4 people</li>" in page and root in page


def test_only_organisers_reach_the_organiser_pages(
    app, make_user, login, csrf_token, start_cascade, rows
):  # noqa: ANN001, PLR0913
    start_cascade()
    (cascade,) = rows(Cascade)
    volunteer = app.test_client()
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    anonymous = app.test_client()
    for path in ("/organise/cascade", f"/organise/cascade/{cascade.id}"):
        assert volunteer.get(path).status_code == 403
        assert anonymous.get(path).status_code == 302
    stop = {"status": "stopped", "csrf_token": csrf_token(volunteer)}
    assert volunteer.post(f"/organise/cascade/{cascade.id}/status", data=stop).status_code == 403
    form = {"title": "X", "text": "Y", "csrf_token": csrf_token(volunteer)}
    assert volunteer.post("/organise/cascade", data=form).status_code == 403
    assert rows(Cascade)[0].status == "running" and len(rows(Cascade)) == 1
    assert len(rows(Node)) == 1
