"""Handing out calls: one at a time under a lease, calling hours by the contact's own time zone,
leases that run out, callbacks, two tabs, outcomes posted twice, and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from phonebank_helpers import NOON_LONDON, OUTCOME_FORM, TEL, uk_contacts

from campaignkit.plugins.phonebank.calling import Outcome, read_outcome
from campaignkit.plugins.phonebank.models import Call, Contact, Target, Volunteer
from campaignkit.plugins.phonebank.outcomes import ALREADY, NOT_YOURS, RECORDED, record
from campaignkit.plugins.phonebank.queue import next_call

QUESTIONS = [{"question": "Will you vote?", "options": ["Yes", "No"]}]


def test_a_volunteer_gets_one_contact_and_the_number_is_gone_after_the_outcome(
    make_campaign,
    volunteer,
    csrf_token,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(2))
    client = volunteer()
    page = client.post(f"/phonebank/{campaign_id}/next", data={"csrf_token": csrf_token(client)},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    (number,) = TEL.findall(page)
    assert "Hello Person" in page and "Cities of London and Westminster" in page
    token = OUTCOME_FORM.search(page).group(1)
    done = client.post(f"/phonebank/calls/{token}", follow_redirects=True, data={
        "csrf_token": csrf_token(client), "campaign_id": campaign_id, "outcome": "answered",
        "q0": "Yes"})  # fmt: skip
    after = done.get_data(as_text=True)
    assert "call recorded" in after and number not in after and "tel:" not in after
    assert "Calls you have made: <strong>1</strong>" in after
    (call,) = rows(Call)
    assert call.outcome == "answered" and call.answers == {"0": "Yes"}
    assert call.seat_name == "Cities of London and Westminster"


def test_two_tabs_get_the_same_contact_and_an_outcome_posted_twice_counts_once(
    make_campaign,
    volunteer,
    csrf_token,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(3))
    client = volunteer()
    pages = [
        client.post(
            f"/phonebank/{campaign_id}/next",
            data={"csrf_token": csrf_token(client)},
            follow_redirects=True,
        ).get_data(as_text=True)  # fmt: skip
        for _tab in range(2)
    ]
    assert TEL.findall(pages[0]) == TEL.findall(pages[1])
    assert len([t for t in rows(Target) if t.leased_to is not None]) == 1
    token = OUTCOME_FORM.search(pages[0]).group(1)
    form = {"csrf_token": csrf_token(client), "campaign_id": campaign_id, "outcome": "no_answer"}
    first = client.post(f"/phonebank/calls/{token}", data=form, follow_redirects=True)
    second = client.post(f"/phonebank/calls/{token}", data=form, follow_redirects=True)
    assert "call recorded" in first.get_data(as_text=True)
    assert "already recorded" in second.get_data(as_text=True)
    assert len(rows(Call)) == 1
    assert rows(Volunteer)[0].calls == 1


@pytest.mark.parametrize("phonebank_settings", [{}])  # the default hours, 09:00 to 21:00
def test_calling_hours_follow_the_contacts_own_time_zone(make_campaign, app, in_app):  # noqa: ANN001
    campaign_id = make_campaign(uk_contacts(1))
    user = 7
    early = datetime(2026, 12, 2, 8, 59, tzinfo=UTC)  # 08:59 in London in winter
    assert in_app(next_call, campaign_id, user, early) is None
    summer_evening = datetime(2026, 7, 1, 20, 30, tzinfo=UTC)  # 21:30 in London (BST)
    assert in_app(next_call, campaign_id, user, summer_evening) is None
    assert in_app(next_call, campaign_id, user, NOON_LONDON) is not None


@pytest.mark.parametrize("phonebank_settings", [{}])
@pytest.mark.parametrize("campaignkit_kit", ["us"])
def test_us_contacts_are_called_in_their_own_zones(make_campaign, in_app, rows):  # noqa: ANN001
    campaign_id = make_campaign(
        "name,phone,zip\nNew Yorker,(212) 555-0199,10001\nAngeleno,(415) 555-2671,94105\n"
    )
    zones = {c.name: c.time_zones for c in rows(Contact)}
    assert zones == {"New Yorker": "America/New_York", "Angeleno": "America/Los_Angeles"}
    # 14:00 UTC: 09:00 in New York, 06:00 in San Francisco
    first = in_app(next_call, campaign_id, 1, datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    assert [c.name for c in rows(Contact, id=first.contact_id)] == ["New Yorker"]
    assert in_app(next_call, campaign_id, 2, datetime(2026, 12, 2, 14, 0, tzinfo=UTC)) is None
    in_app(
        record, first.token, 1, Outcome("answered", {}), datetime(2026, 12, 2, 14, 5, tzinfo=UTC)
    )
    later = in_app(next_call, campaign_id, 2, datetime(2026, 12, 2, 17, 0, tzinfo=UTC))
    assert [c.name for c in rows(Contact, id=later.contact_id)] == ["Angeleno"]


def test_an_abandoned_lease_returns_after_the_lease_time(make_campaign, in_app):  # noqa: ANN001
    campaign_id = make_campaign(uk_contacts(1))
    first = in_app(next_call, campaign_id, 1, NOON_LONDON)
    assert in_app(next_call, campaign_id, 2, NOON_LONDON + timedelta(minutes=9)) is None
    again = in_app(next_call, campaign_id, 2, NOON_LONDON + timedelta(minutes=10))
    assert again.target_id == first.target_id and again.token != first.token
    # the first volunteer's late outcome is refused, and nothing is stored
    late = in_app(record, first.token, 1, Outcome("answered", {}), NOON_LONDON)
    assert late == NOT_YOURS
    assert in_app(record, again.token, 2, Outcome("answered", {}), NOON_LONDON) == RECORDED
    assert in_app(record, again.token, 2, Outcome("answered", {}), NOON_LONDON) == ALREADY


def test_a_callback_comes_back_at_the_chosen_time_and_not_before(make_campaign, in_app):  # noqa: ANN001
    campaign_id = make_campaign(uk_contacts(1))
    lease = in_app(next_call, campaign_id, 1, NOON_LONDON)
    at = NOON_LONDON + timedelta(hours=3)
    assert in_app(record, lease.token, 1, Outcome("call_back", {}, at), NOON_LONDON) == RECORDED
    assert in_app(next_call, campaign_id, 2, at - timedelta(minutes=1)) is None
    back = in_app(next_call, campaign_id, 2, at)
    assert back.target_id == lease.target_id


def test_the_callback_time_is_read_in_the_contacts_own_zone_and_must_be_ahead():
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    form = {"outcome": "call_back", "callback_at": "2026-12-03T18:00"}
    outcome = read_outcome(form, [], "America/New_York", now)
    assert outcome.callback_at.astimezone(UTC) == datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    for past_or_far in ("2026-12-02T06:00", "2027-06-01T18:00", "tomorrow"):
        with pytest.raises(ValueError, match="call back|call-back"):
            read_outcome({**form, "callback_at": past_or_far}, [], "America/New_York", now)
    with pytest.raises(ValueError, match="one of the answers"):
        read_outcome({"outcome": "answered", "q0": "Perhaps"}, QUESTIONS, "Europe/London", now)


def test_no_answer_comes_back_later_until_the_attempts_run_out(make_campaign, in_app, rows):  # noqa: ANN001
    campaign_id = make_campaign(uk_contacts(1))
    now = NOON_LONDON
    for _attempt in range(3):
        lease = in_app(next_call, campaign_id, 1, now)
        assert lease is not None
        in_app(record, lease.token, 1, Outcome("no_answer", {}), now)
        assert in_app(next_call, campaign_id, 1, now + timedelta(minutes=119)) is None
        now += timedelta(minutes=120)
    assert in_app(next_call, campaign_id, 1, now) is None
    assert [t.state for t in rows(Target)] == ["done"]


def test_a_supporter_may_not_call_and_a_volunteer_may_not_manage(
    make_campaign,
    volunteer,
    csrf_token,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(1))
    supporter = volunteer("sup@example.org", role="supporter")
    assert supporter.get(f"/phonebank/{campaign_id}").status_code == 403
    token = csrf_token(supporter)
    assert (
        supporter.post(f"/phonebank/{campaign_id}/next", data={"csrf_token": token}).status_code
        == 403
    )
    caller = volunteer()
    assert caller.get("/organise/phonebank").status_code == 403
    assert caller.get(f"/organise/phonebank/campaigns/{campaign_id}/calls.csv").status_code == 403
