"""Organisers mark seats; the ranking follows at once; every change is kept."""

from __future__ import annotations

URL = "/api/v1/marginals/nearest?lat=51.28&lon=-0.77&limit=3"
ALDERSHOT = "E14001063"


def test_organiser_marks_a_seat_and_the_ranking_follows(client, make_user, login, csrf_token):
    before = client.get(URL).get_json()["seats"]
    assert ALDERSHOT not in [seat["code"] for seat in before] or before[0]["priority"] in {3, 5}
    form = {"status": "target", "priority": "4", "notes": "New estate", "csrf_token": ""}
    assert client.post(f"/seats/{ALDERSHOT}/target", data=form).status_code == 400  # no CSRF
    form["csrf_token"] = csrf_token(client)
    anonymous = client.post(f"/seats/{ALDERSHOT}/target", data=form)
    assert anonymous.status_code in {302, 401} and "/seats/" not in (anonymous.location or "")

    login(client, make_user("volunteer@example.org", "volunteer"))
    form["csrf_token"] = csrf_token(client)
    assert client.post(f"/seats/{ALDERSHOT}/target", data=form).status_code == 403
    client.post("/signout", data={"csrf_token": csrf_token(client)})

    login(client, make_user("organiser@example.org", "organiser"))
    form["csrf_token"] = csrf_token(client)
    assert client.post(f"/seats/{ALDERSHOT}/target", data=form).status_code == 302
    seats = client.get(URL).get_json()["seats"]
    assert [(s["code"], s["priority"]) for s in seats] == [(ALDERSHOT, 4)]

    form.update(status="ignore", notes="Leave it")
    client.post(f"/seats/{ALDERSHOT}/target", data=form)
    assert client.get(URL).get_json()["seats"] == []
    page = client.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)
    assert "ignore, priority 4: Leave it" in page and "target, priority 4: New estate" in page
    assert page.count('id="mark-heading"') == 1  # the form once, in the page body
    assert "<title>Aldershot · " in page and "</title>" in page.split("Mark this seat")[0]

    form.update(status="bogus")
    client.post(f"/seats/{ALDERSHOT}/target", data=form)
    assert "Not saved" in client.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)


def test_need_map_is_for_organisers(client, make_user, login):
    assert client.get("/seats/need-map").status_code in {302, 401}
    login(client, make_user("organiser@example.org", "organiser"))
    page = client.get("/seats/need-map").get_data(as_text=True)
    assert page.count('<use href="#hx"') == 650 and "Need score" in page
    assert 'href="/seats/need-map"' in client.get("/seats/map").get_data(as_text=True)
