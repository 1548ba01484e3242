"""Mail: the outbox folder by default, SMTP when configured, the password from the environment."""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest

from campaignkit.core.config import ConfigError, load_config
from campaignkit.core.mail import MailError, build_message, send_smtp
from campaignkit.testing import TEST_PASSWORD


def test_new_instance_writes_mail_to_the_outbox(instance, make_app, configure, cli):  # noqa: ANN001
    configure(mail={"host": ""})
    make_app()
    result = cli("users", "create", "organiser@example.org", "--role", "organiser")
    assert result.exit_code == 0, result.output
    files = list((instance / "outbox").glob("*.eml"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o777) == 0o600
    message = email.message_from_bytes(files[0].read_bytes(), policy=default_policy)
    assert message["To"] == "organiser@example.org"
    assert "/reset/" in message.get_content()


def test_smtp_delivers_to_a_real_server(app, cli, mailbox):  # noqa: ANN001
    cli("users", "create", "member@example.org", "--password-stdin", input=TEST_PASSWORD + "\n")
    cli("users", "create", "host@example.org", "--role", "host")
    (message,) = mailbox.to("host@example.org")
    assert message["From"] == "campaign@localhost" and message["Message-ID"]
    assert mailbox.to("member@example.org") == []


def test_smtp_failure_is_a_mail_error(smtp_server):  # noqa: ANN001
    from campaignkit.core.config import MailSection

    closed = MailSection(host="127.0.0.1", port=1, starttls=False, timeout_s=2)
    with pytest.raises(MailError, match="not sent"):
        send_smtp(closed, build_message("a@example.org", "b@example.org", "Hi", "Body"))


def test_mail_password_from_the_environment_and_bad_rates(instance, configure):  # noqa: ANN001
    config = load_config(instance, {"CAMPAIGNKIT_MAIL_PASSWORD": "from-the-environment"})
    assert config.mail.password == "from-the-environment"
    configure(accounts={"signup_rate": "lots"})
    with pytest.raises(ConfigError, match="signup_rate.*'lots' is not a rate"):
        load_config(instance, {})
