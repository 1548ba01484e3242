"""With Redis, sign-in failures live there (under a hash of the address); erasure clears them."""

from __future__ import annotations

import os

import pytest

from campaignkit.core.auth.roles import auth_state
from campaignkit.core.auth.throttle import failure_key
from campaignkit.core.privacy.erasure import erase_person
from campaignkit.testing import edit_config

REDIS_ENV = "CAMPAIGNKIT_TEST_REDIS_URL"
EMAIL = "mary@example.org"


def test_erasure_clears_the_redis_failure_count(instance, make_app, make_user, backend, csrf_token):  # noqa: ANN001
    if backend != "sqlite" or not os.environ.get(REDIS_ENV):
        pytest.skip(f"set {REDIS_ENV} to test the Redis store (tested once, with SQLite)")
    edit_config(instance, campaign={"redis_url": os.environ[REDIS_ENV]})
    app = make_app()
    make_user(EMAIL)
    client = app.test_client()
    wrong = {"email": EMAIL, "password": "not the password", "csrf_token": csrf_token(client)}
    assert client.post("/signin", data=wrong).status_code == 200
    with app.test_request_context():
        store = auth_state().throttle.store
        name = store.prefix + failure_key("account", EMAIL)
        assert store.client.zcard(name) == 1
        erase_person(EMAIL, "cli")
        assert store.client.exists(name) == 0
        keys = [key.decode() for key in store.client.scan_iter(store.prefix + "*")]
    assert all(EMAIL not in key for key in keys)
