"""The signing limit holds under concurrent signing on two server processes: its hits are
counted with the signing batches, and exactly the allowed number of signatures is stored."""

from __future__ import annotations

import signal
import threading
from collections import Counter

import pytest
from pledges_serving import Signer, start_server
from sqlalchemy import func, select

from campaignkit.plugins.pledges.models import Pledge, Signature

SIGNERS, LIMIT = 24, 10


@pytest.fixture
def pledge_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"double_opt_in": False, "sign_rate": f"{LIMIT} per minute"}


@pytest.mark.slow
def test_concurrent_signers_from_one_address_get_exactly_the_limit(
    app, instance, add_pledge, tmp_path
):  # noqa: ANN001
    add_pledge(slug="limited", goal=1000)
    server, base = start_server(instance, tmp_path / "serve.log")
    signers = [Signer(base) for _ in range(SIGNERS)]
    statuses: list[int] = []
    try:
        for signer in signers:
            signer.open_form("limited")  # GETs: not counted
        ready = threading.Barrier(SIGNERS)

        def sign(number: int) -> None:
            ready.wait()
            statuses.append(signers[number].sign("limited", f"s{number}@example.org"))

        threads = [threading.Thread(target=sign, args=(n,)) for n in range(SIGNERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert Counter(statuses) == {303: LIMIT, 429: SIGNERS - LIMIT}
    with app.extensions["campaignkit"].database.new_session() as session:
        rows = session.scalar(select(func.count()).select_from(Signature))
        assert rows == session.scalar(select(Pledge.signed_count)) == LIMIT
