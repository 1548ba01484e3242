"""``campaignkit pledges create``, ``close`` and ``list``."""

from __future__ import annotations

from campaignkit.plugins.pledges.models import Pledge, Signature


def test_create_close_and_list(app, cli, rows):  # noqa: ANN001
    made = cli("pledges", "create", "--slug", "clean-air", "--title", "Clean air",
               "--text", "I will walk to school.", "--goal", "500", "--deadline", "2030-01-31",
               "--threshold", "100")  # fmt: skip
    assert made.exit_code == 0, made.output
    (pledge,) = rows(Pledge)
    assert (pledge.status, pledge.goal, pledge.threshold) == ("open", 500, 100)
    assert pledge.deadline.year == 2030
    again = cli("pledges", "create", "--slug", "clean-air", "--title", "X", "--text", "Y",
                "--goal", "1")  # fmt: skip
    assert again.exit_code != 0 and "exists already" in again.output
    assert cli("pledges", "create", "--slug", "Bad Slug", "--title", "X", "--text", "Y",
               "--goal", "1").exit_code != 0  # fmt: skip
    assert cli("pledges", "close", "clean-air").exit_code == 0
    assert "clean-air\tclosed\t0/500" in cli("pledges", "list").output
    assert cli("pledges", "close", "nope").exit_code != 0


def test_demo_adds_one_open_pledge_with_signatures_once(app, cli, client, rows):  # noqa: ANN001
    added = cli("pledges", "demo")
    assert added.exit_code == 0, added.output
    assert "Added pledge 'keep-our-buses': 17 signed, 3 waiting to confirm" in added.output
    (pledge,) = rows(Pledge)
    assert pledge.status == "open" and pledge.signed_count == 17
    signatures = rows(Signature)
    assert len(signatures) == 20 and sum(s.confirmed_at is None for s in signatures) == 3
    assert sum(s.seat_name is not None for s in signatures) >= 15
    page = client.get("/pledges/keep-our-buses").get_data(as_text=True)
    assert "17</strong> signed, 3 waiting to confirm" in page and "Sign the pledge" in page
    again = cli("pledges", "demo")
    assert again.exit_code == 0 and "already has pledges" in again.output
    assert len(rows(Pledge)) == 1
