"""No signature that got a success response is lost when the server is killed (SIGKILL).

``campaignkit serve`` (gunicorn, two workers) takes signatures from many
threads; half-way the whole process group is killed with SIGKILL. Every
address that got its "303 See Other" must be in the database, and the
pledge's count must equal its signatures (nothing counted twice or lost).

On SQLite (WAL, ``synchronous=NORMAL``) a commit is in the WAL file before
the response is sent, so an application crash loses nothing committed; only
a power loss or OS crash could drop the last transactions. PostgreSQL
flushes its WAL on commit.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from pledges_serving import Signer, start_server
from sqlalchemy import func, select

from campaignkit.plugins.pledges.models import Pledge, Signature

THREADS = 12
KILL_AFTER = 80


@pytest.fixture
def pledge_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"double_opt_in": False, "sign_rate": "100000 per minute"}


@pytest.mark.slow
def test_every_acknowledged_signature_survives_sigkill(app, instance, add_pledge, tmp_path):  # noqa: ANN001
    add_pledge(slug="durable", goal=10000)
    server, base = start_server(instance, tmp_path / "serve.log")
    acknowledged: list[str] = []
    lock, stop = threading.Lock(), threading.Event()

    def sign_until_killed(number: int) -> None:
        signer = Signer(base)
        try:
            signer.open_form("durable")
        except OSError:
            return
        for i in range(100000):
            if stop.is_set():
                return
            email = f"t{number}-{i}@example.org"
            try:
                status = signer.sign("durable", email)
            except OSError:
                return  # the server is gone
            if status == 303:
                with lock:
                    acknowledged.append(email)

    threads = [threading.Thread(target=sign_until_killed, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=30)
    assert len(acknowledged) >= KILL_AFTER
    with app.extensions["campaignkit"].database.new_session() as session:
        stored = set(session.scalars(select(Signature.email)))
        count = session.scalar(select(Pledge.signed_count))
        rows = session.scalar(select(func.count()).select_from(Signature))
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged signatures were lost"
    assert count == rows == len(stored)
