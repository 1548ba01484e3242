"""Signing takes only clean text, and one bad signature never fails another supporter's.

A NUL in a signer's name was stored by SQLite and refused by PostgreSQL; worse,
group commit wrote it in one transaction with the signatures arriving beside
it, so one poisoned row made every honest signature of its batch fail. Now
the request layer cleans the text, and a batch whose transaction fails is
written again one signature at a time.
"""

from __future__ import annotations

import threading
import time

import pytest
from pledges_helpers import sign_form
from sqlalchemy.exc import DBAPIError

from campaignkit.core import app_store
from campaignkit.plugins.pledges.group_commit import GroupCommit
from campaignkit.plugins.pledges.models import Pledge, Signature
from campaignkit.plugins.pledges.signing import QUEUE, Form, _write_batch, sign

HONEST_THREADS, HONEST_EACH, POISON_THREADS = 6, 4, 2


@pytest.fixture
def pledge_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"double_opt_in": False, "sign_rate": "100000 per minute"}


def _sign(client, csrf_token, **fields):  # noqa: ANN001, ANN202
    data = {**sign_form(**fields), "csrf_token": csrf_token(client)}
    return client.post("/pledges/save-the-library/sign", data=data)


def test_signing_text_is_stored_clean_and_too_long_names_refused(
    app,
    client,
    add_pledge,
    rows,
    csrf_token,  # noqa: ANN001
):
    add_pledge()
    signed = _sign(
        client, csrf_token, name="Ann\x00 E\u0301x\tample\r\n", postcode="sw1a  1aa",
        phone="020 7946  0000",
    )  # fmt: skip
    assert signed.status_code == 303
    (signature,) = rows(Signature)
    assert (signature.name, signature.postcode, signature.phone) == (
        "Ann \u00c9x ample", "SW1A 1AA", "020 7946 0000",
    )  # fmt: skip
    too_long = _sign(client, csrf_token, email="bob@example.org", name="B" * 201)
    assert too_long.status_code == 400
    assert "shorten your name to 200 characters" in too_long.get_data(as_text=True)
    just_fits = _sign(
        client, csrf_token, email="cy@example.org", name="C" * 200 + "\x00\x00",
        phone="07700\x00 900123",
    )  # fmt: skip
    assert just_fits.status_code == 303
    assert sorted((s.name, s.phone) for s in rows(Signature)) == [
        ("Ann \u00c9x ample", "020 7946 0000"), ("C" * 200, "07700 900123"),
    ]  # fmt: skip
    assert rows(Pledge)[0].signed_count == 2


def test_poisoned_signatures_fail_alone_and_every_honest_one_is_stored(
    app,
    add_pledge,
    rows,
    csrf_token,
    backend,  # noqa: ANN001
):
    """Honest supporters sign over HTTP while poison (rows the database refuses, even after
    cleaning: a missing name everywhere, a NUL on PostgreSQL) goes straight to the signing
    service, into the same group-commit batches."""
    add_pledge(goal=10_000)
    batches: list[list[str]] = []

    def observed_write(batch):  # noqa: ANN001, ANN202 - the real writer, its batches noted
        batches.append([item.work.form.email for item in batch])
        time.sleep(0.01)  # a slow commit, so the next batch gathers several signatures
        _write_batch(batch)

    app_store("pledges", app)[QUEUE] = GroupCommit(observed_write)
    poisons = [None] + (["Evil\x00"] if backend == "postgresql" else [])
    start, honest_done = threading.Barrier(HONEST_THREADS + POISON_THREADS), threading.Event()
    answers: dict[str, object] = {}

    def honest(number: int) -> None:
        client = app.test_client()
        token = csrf_token(client)
        start.wait()
        for i in range(HONEST_EACH):
            email = f"honest{number}-{i}@example.org"
            try:
                data = {**sign_form(email=email), "csrf_token": token}
                answers[email] = client.post("/pledges/save-the-library/sign", data=data)
                answers[email] = answers[email].status_code
            except Exception as exc:  # noqa: BLE001 - the old code's server error
                answers[email] = exc

    def poison(number: int) -> None:
        with app.app_context():
            start.wait()
            for i in range(40):
                if honest_done.is_set() and i >= 3:
                    return
                email = f"poison{number}-{i}@example.org"
                form = Form(poisons[i % len(poisons)], email, "SW1A 1AA", None, True, False)
                try:
                    answers[email] = sign("save-the-library", form, double_opt_in=False)
                except DBAPIError as exc:
                    answers[email] = exc

    threads = [threading.Thread(target=honest, args=(n,)) for n in range(HONEST_THREADS)]
    poisoners = [threading.Thread(target=poison, args=(n,)) for n in range(POISON_THREADS)]
    for thread in threads + poisoners:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    honest_done.set()
    for thread in poisoners:
        thread.join(timeout=60)

    honest_answers = {e: a for e, a in answers.items() if e.startswith("honest")}
    assert len(honest_answers) == HONEST_THREADS * HONEST_EACH
    assert {e: a for e, a in honest_answers.items() if a != 303} == {}
    poison_answers = [a for e, a in answers.items() if e.startswith("poison")]
    assert poison_answers and all(isinstance(a, DBAPIError) for a in poison_answers)
    mixed = [b for b in batches if {e[:6] for e in b} == {"honest", "poison"}]
    assert mixed, "no batch held both poison and honest signatures"
    stored = {s.email for s in rows(Signature)}
    assert stored == set(honest_answers)
    assert rows(Pledge)[0].signed_count == len(stored)


def test_an_organisers_pledge_text_is_stored_clean(app, client, make_user, login, csrf_token, rows):  # noqa: ANN001
    login(client, make_user("org@example.org", role="organiser"))
    form = {
        "title": "Buses\x00 for\tall\r\n", "slug": "buses", "text": "I will ride.\r\nDaily\x00.",
        "goal": "3", "status": "open", "share_text": "Sign\x00 up",
        "csrf_token": csrf_token(client),
    }  # fmt: skip
    assert client.post("/organise/pledges", data=form).status_code == 303
    (pledge,) = rows(Pledge)
    assert (pledge.title, pledge.text, pledge.share_text) == (
        "Buses for all", "I will ride.\nDaily.", "Sign up",
    )  # fmt: skip
