"""``campaignkit users``: create (password on stdin or a mailed link), list, set-role."""

from __future__ import annotations

from urllib.parse import urlsplit

from campaignkit.testing import TEST_PASSWORD


def test_create_with_a_password_from_stdin_then_sign_in(app, cli, login):  # noqa: ANN001
    result = cli(
        "users", "create", "Admin@Example.org", "--role", "admin", "--password-stdin",
        input=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created admin@example.org (admin)" in result.output
    client = app.test_client()
    login(client, "admin@example.org")
    assert client.get("/organise/members").status_code == 200


def test_create_without_a_password_mails_a_set_password_link(app, cli, csrf_token, login, mailbox):  # noqa: ANN001
    result = cli("users", "create", "organiser@example.org", "--role", "organiser")
    assert result.exit_code == 0, result.output
    link = mailbox.last_link("organiser@example.org")
    assert link.startswith("http://127.0.0.1:5000/reset/")
    client = app.test_client()
    data = {
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "csrf_token": csrf_token(client),
    }
    assert client.post(urlsplit(link).path, data=data).status_code == 302
    login(app.test_client(), "organiser@example.org")


def test_list_and_set_role(app, cli):  # noqa: ANN001
    cli("users", "create", "a@example.org", "--password-stdin", input=TEST_PASSWORD + "\n")
    cli("users", "create", "b@example.org", "--name", "Sam", "--password-stdin",
        input=TEST_PASSWORD + "\n")  # fmt: skip
    assert cli("users", "set-role", "a@example.org", "moderator").exit_code == 0
    first, second = cli("users", "list").output.splitlines()
    assert first.split() == ["a@example.org", "-", "moderator", "approved", "confirmed"]
    assert second.split()[:3] == ["b@example.org", "Sam", "supporter"]


def test_bad_input_is_refused_without_change(app, cli):  # noqa: ANN001
    weak = cli("users", "create", "a@example.org", "--password-stdin", input="pass\n")
    assert weak.exit_code != 0 and "at least 8" in weak.output
    common = cli("users", "create", "a@example.org", "--password-stdin", input="password123\n")
    assert common.exit_code != 0 and "most common" in common.output
    assert "No accounts yet" in cli("users", "list").output
    bad_role = cli("users", "create", "a@example.org", "--role", "emperor")
    assert bad_role.exit_code == 2 and "emperor" in bad_role.output
    near_role = cli("users", "create", "a@example.org", "--role", "organizer")
    assert near_role.exit_code == 2 and "did you mean 'organiser'?" in near_role.output
    missing = cli("users", "set-role", "nobody@example.org", "admin")
    assert missing.exit_code == 1 and "No account has the address" in missing.output
    cli("users", "create", "a@example.org", "--password-stdin", input=TEST_PASSWORD + "\n")
    again = cli("users", "create", "a@example.org", "--password-stdin", input=TEST_PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.output


def test_check_compiles_the_account_templates(app, cli):  # noqa: ANN001
    result = cli("check")
    assert result.exit_code == 0, result.output


def test_a_generated_password_is_printed_once_and_signs_in(app, cli, login):  # noqa: ANN001
    args = ("users", "create", "organiser@example.org", "--role", "organiser")
    made = cli(*args, "--generate-password", "--if-missing")
    assert made.exit_code == 0, made.output
    password = made.output.split("Its password (shown this once): ", 1)[1].split()[0]
    assert len(password) >= 16
    client = app.test_client()
    login(client, "organiser@example.org", password)
    assert client.get("/organise/members").status_code == 200
    again = cli(*args, "--generate-password", "--if-missing")
    assert again.exit_code == 0 and "has an account already; nothing changed" in again.output
    assert "password" not in again.output.lower()
    both = cli(*args, "--generate-password", "--password-stdin", input=TEST_PASSWORD + "\n")
    assert both.exit_code == 2 and "not both" in both.output
