"""``campaignkit_pledge_signed``: a listening plugin hears each new signature, once."""

from __future__ import annotations

import pytest
from pledges_helpers import sign_form

from campaignkit import hookimpl


class Listener:
    """A plugin that notes every signature it is told about."""

    def __init__(self) -> None:
        self.heard: list[tuple] = []

    @hookimpl
    def campaignkit_pledge_signed(self, pledge, signature):  # noqa: ANN001, ANN201
        """Note the pledge (with its count) and the signature."""
        self.heard.append((pledge.slug, pledge.title, pledge.signed_count, signature.email,
                           signature.name, signature.id is not None))  # fmt: skip


@pytest.fixture
def listener() -> Listener:
    """The listening plugin."""
    return Listener()


@pytest.fixture
def ck_app(ck_make_app, listener: Listener):  # noqa: ANN001, ANN201 - overrides campaignkit.testing's
    """The app with the listening plugin."""
    return ck_make_app(extra_plugins=[("pledge_listener", listener)])


@pytest.mark.parametrize("pledge_settings", [{"double_opt_in": False}])
def test_a_listening_plugin_hears_each_new_signature_once(
    client,
    add_pledge,
    csrf_token,
    listener: Listener,  # noqa: ANN001
):
    add_pledge(signed_count=41)
    for _ in range(2):  # the second time is a repeat: stored once, heard once
        data = {**sign_form(), "csrf_token": csrf_token(client)}
        assert client.post("/pledges/save-the-library/sign", data=data).status_code == 303
    assert listener.heard == [
        ("save-the-library", "Save the library", 42, "ann@example.org", "Ann Example", True)
    ]
