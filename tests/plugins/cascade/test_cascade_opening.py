"""Opening cascade links: one node per browser, reloads not counted, bad links a clear 404."""

from __future__ import annotations

import threading

import pytest
from cascade_helpers import own_code

from campaignkit.plugins.cascade.models import Cascade, Node


def test_each_opener_gets_one_node_under_the_link_they_opened(app, start_cascade, rows):  # noqa: ANN001
    root = start_cascade()
    ann = app.test_client()
    first = ann.get(root, follow_redirects=True)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "Polls close at 10pm" in page and "Forward on WhatsApp" in page
    ann_code = own_code(page)
    again = ann.get(root)  # a reload: the cookie names Ann's node, nothing is written
    assert again.status_code == 303 and again.location == f"/c/{ann_code}/message"
    assert own_code(ann.get(f"/c/{ann_code}", follow_redirects=True).text) == ann_code
    assert len(rows(Node)) == 2  # the root and Ann: reloads and her own link count nothing

    bea = app.test_client()
    bea_code = own_code(bea.get(f"/c/{ann_code}", follow_redirects=True).get_data(as_text=True))
    (ann_node,) = rows(Node, code=ann_code)
    (bea_node,) = rows(Node, code=bea_code)
    assert ann_node.generation == 1 and bea_node.generation == 2
    assert bea_node.parent_id == ann_node.id and bea_code != ann_code
    assert "2</strong> people have passed this on" in ann.get(root, follow_redirects=True).text


@pytest.mark.parametrize("cascade_settings", [{"open_rate": "1000 per minute"}])
def test_counts_equal_distinct_opens_when_many_open_at_once(app, start_cascade, rows):  # noqa: ANN001
    root = start_cascade()
    clients = [app.test_client() for _ in range(24)]
    barrier, statuses = threading.Barrier(len(clients)), []

    def open_twice(client) -> None:  # noqa: ANN001
        barrier.wait()
        statuses.append(client.get(root, follow_redirects=True).status_code)
        statuses.append(client.get(root, follow_redirects=True).status_code)  # a reload

    threads = [threading.Thread(target=open_twice, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 48
    opened = [n for n in rows(Node) if n.parent_id is not None]
    assert len(opened) == 24 and len({n.code for n in opened}) == 24


def test_a_link_never_issued_is_a_clear_404_and_writes_nothing(app, start_cascade, rows):  # noqa: ANN001
    start_cascade()
    for path in (
        "/c/1-NeverIssuedCode",
        "/c/999-abcdefghijk",
        "/c/not-a-code",
        "/c/x",
        "/c/1-",
        "/c/1-NeverIssuedCode/message",
    ):
        response = app.test_client().get(path)
        assert response.status_code == 404, path
        assert "never issued" in response.get_data(as_text=True)
    assert len(rows(Node)) == 1


def test_a_stopped_cascade_counts_no_more_opens(app, organiser, start_cascade, rows, csrf_token):  # noqa: ANN001
    root = start_cascade()
    (cascade,) = rows(Cascade)
    stop = {"status": "stopped", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/cascade/{cascade.id}/status", data=stop).status_code == 303
    page = app.test_client().get(root, follow_redirects=True)
    assert page.status_code == 200 and "has ended" in page.text
    assert "/forward" not in page.text and len(rows(Node)) == 1


def test_a_draft_is_not_public(app, organiser, csrf_token, rows):  # noqa: ANN001
    form = {"title": "Draft", "text": "Not yet", "csrf_token": csrf_token(organiser)}
    assert organiser.post("/organise/cascade", data=form).status_code == 303
    (cascade,) = rows(Cascade)
    assert cascade.status == "draft" and rows(Node) == []
    assert app.test_client().get(f"/c/{cascade.id}-abcdefghijkl").status_code == 404


@pytest.mark.parametrize("cascade_settings", [{"open_rate": "3 per minute"}])
def test_a_flood_of_opens_from_one_address_is_refused_and_not_counted(app, start_cascade, rows):  # noqa: ANN001
    root = start_cascade()
    statuses = [app.test_client().get(root, follow_redirects=True).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert len(rows(Node)) == 4  # the root and three openers


def test_a_forged_cookie_is_ignored(app, start_cascade, rows):  # noqa: ANN001
    root = start_cascade()
    client = app.test_client()
    client.set_cookie("ck_cascade", "forged")
    assert client.get(root, follow_redirects=True).status_code == 200
    assert len(rows(Node)) == 2
