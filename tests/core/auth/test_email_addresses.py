"""One email check for every field: one mailbox, no display names, lists or line breaks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from campaignkit.core import EmailInvalid, clean_email
from campaignkit.core.auth.models import User
from campaignkit.testing import TEST_PASSWORD

#: Each would address a mail to more than one mailbox, or smuggle in a header.
NOT_ONE_ADDRESS = [
    "a,b@ex.org, evil2@attacker.example",
    "Eve <evil3@attacker.example>, x@ex.org",
    "Eve <evil3@attacker.example>",
    "a,b@example.org",
    "joiner@example.org\r\nBcc: evil@attacker.example",
    "joiner@example.org\r\n",
    "joiner@exa\x00mple.org",
]
#: What reaches a view: the request layer has already removed NUL and other control characters.
TYPED_IN_A_FORM = [typed for typed in NOT_ONE_ADDRESS if "\x00" not in typed]


@pytest.mark.parametrize("typed", NOT_ONE_ADDRESS)
def test_the_validator_refuses_anything_but_one_mailbox(typed):  # noqa: ANN001
    with pytest.raises(EmailInvalid):
        clean_email(typed)


def test_the_validator_keeps_the_stored_form():  # noqa: D103
    assert clean_email("  New.Person@Example.ORG ") == "new.person@example.org"
    assert clean_email("a@bücher.example") == "a@xn--bcher-kva.example"


def test_an_address_longer_than_mail_can_carry_is_refused_before_it_is_parsed():
    import time

    longest = "a" * 64 + "@" + ".".join(["b" * 58, "c" * 58, "d" * 59]) + ".example.org"
    assert len(longest) == 254 and clean_email(longest) == longest
    with pytest.raises(EmailInvalid, match="at most 254 characters"):
        clean_email("x" + longest)
    flood = "a@" + "b." * 50_000 + "org"  # far longer than mail allows
    started = time.process_time()
    with pytest.raises(EmailInvalid, match="at most 254 characters"):
        clean_email(flood)
    assert time.process_time() - started < 0.05


def _users(app) -> int:  # noqa: ANN001
    with app.extensions["campaignkit"].database.new_session() as session:
        return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("typed", TYPED_IN_A_FORM)
def test_sign_up_refuses_it_and_mails_nobody(app, client, csrf_token, mailbox, typed):  # noqa: ANN001
    data = {
        "email": typed,
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert "valid email address" in response.get_data(as_text=True)
    assert _users(app) == 0 and mailbox.messages == []


def test_a_nul_typed_in_an_address_never_reaches_the_database(app, client, csrf_token, mailbox):  # noqa: ANN001
    data = {
        "email": "joiner@exa\x00mple.org",
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    assert client.post("/signup", data=data).status_code == 302
    with app.extensions["campaignkit"].database.new_session() as session:
        assert session.scalars(select(User.email)).all() == ["joiner@example.org"]


def test_sign_in_and_reset_refuse_it(app, client, csrf_token, make_user, mailbox):  # noqa: ANN001
    make_user("member@example.org")
    typed = "member@example.org\r\nBcc: evil@attacker.example"
    data = {"email": typed, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/signin", data=data)
    assert response.status_code == 400
    assert "valid email address" in response.get_data(as_text=True)
    client.post("/reset", data={"email": typed, "csrf_token": csrf_token(client)})
    assert mailbox.messages == []


def test_users_create_refuses_it(app, cli, mailbox):  # noqa: ANN001
    result = cli("users", "create", "a,b@example.org", "--role", "organiser")
    assert result.exit_code != 0 and "@-sign" in result.output
    assert _users(app) == 0 and mailbox.messages == []
