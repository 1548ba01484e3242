"""Pledges: ids and slugs in paths, and the numbers and dates of the pledge form, are strict."""

from __future__ import annotations

import html

from campaignkit.plugins.pledges.models import Pledge


def test_ids_out_of_range_and_control_characters_in_paths_are_404(client, make_user, login):  # noqa: ANN001
    login(client, make_user("org@example.org", role="organiser"))
    for path in (
        "/organise/pledges/2147483648",
        "/organise/pledges/2147483648/edit",
        "/organise/pledges/2147483648/signatures.csv",
        "/organise/pledges/99999999999999999999",
        "/organise/pledges/١",
        "/pledges/%00",
        "/pledges/save%00the-library",
        "/pledges/%01/thanks",
        "/pledges/%7F/og.png",
    ):
        assert client.get(path).status_code == 404, path


def test_goal_threshold_and_deadline_are_strict(client, make_user, login, csrf_token, rows):  # noqa: ANN001
    login(client, make_user("org@example.org", role="organiser"))
    form = {"title": "Buses for all", "slug": "buses", "text": "I will ride.", "goal": "100"}
    for change, words in (
        ({"goal": "١٠٠"}, "The goal must be a whole number"),
        ({"goal": "99999999999"}, "The goal must be a whole number"),
        ({"threshold": "²"}, "The threshold must be a whole number"),
        ({"deadline": "9999-12-31"}, "between 2000-01-01 and 2100-12-31"),
        ({"deadline": "2030-01-31T12:00"}, "YYYY-MM-DD"),
    ):
        data = {**form, **change, "csrf_token": csrf_token(client)}
        response = client.post("/organise/pledges", data=data)
        assert response.status_code == 400, change
        assert words in html.unescape(response.text), change
    assert rows(Pledge) == []
    data = {**form, "deadline": "2030-01-31", "csrf_token": csrf_token(client)}
    assert client.post("/organise/pledges", data=data).status_code == 303
    (stored,) = rows(Pledge)
    assert stored.goal == 100 and stored.deadline.date().isoformat() == "2030-01-31"
