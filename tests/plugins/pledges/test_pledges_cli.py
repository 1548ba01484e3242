"""``campaignkit pledges create``, ``close`` and ``list``."""

from __future__ import annotations

from campaignkit.plugins.pledges.models import Pledge


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
