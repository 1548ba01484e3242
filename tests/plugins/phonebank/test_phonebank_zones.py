"""A list's time zones, kept by each worker: an import in one worker reaches the others at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from campaignkit.core import write_session
from campaignkit.plugins.phonebank.calling import Outcome
from campaignkit.plugins.phonebank.importing import import_contacts
from campaignkit.plugins.phonebank.models import CallList, Contact, PhoneCampaign
from campaignkit.plugins.phonebank.outcomes import record
from campaignkit.plugins.phonebank.queue import next_call

NEW_YORK_MORNING = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 09:00 in New York
BOTH_OPEN = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # 12:00 in New York, 09:00 in Los Angeles


def _add_angeleno(session, campaign_id: int) -> None:  # noqa: ANN001
    call_list = session.get(CallList, session.get(PhoneCampaign, campaign_id).list_id)
    import_contacts(session, call_list, b"name,phone,zip\nAngeleno,(415) 555-2671,94105\n")


@pytest.mark.parametrize("phonebank_settings", [{}])
@pytest.mark.parametrize("campaignkit_kit", ["us"])
def test_contacts_imported_in_one_worker_are_called_from_another(
    make_campaign,
    make_app,
    in_app,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign("name,phone,zip\nNew Yorker,(212) 555-0199,10001\n")
    other = make_app()

    def in_other(fn, *args):  # noqa: ANN001, ANN002, ANN202
        with other.test_request_context(), write_session() as session:
            return fn(session, *args)

    first = in_other(next_call, campaign_id, 1, NEW_YORK_MORNING)  # it keeps the list's zones
    in_other(record, first.token, 1, Outcome("answered", {}), NEW_YORK_MORNING)
    in_app(_add_angeleno, campaign_id)
    later = in_other(next_call, campaign_id, 2, BOTH_OPEN)
    assert later is not None
    assert [c.name for c in rows(Contact, id=later.contact_id)] == ["Angeleno"]
