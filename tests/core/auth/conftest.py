"""Accounts tests: a real SMTP server, quick password hashing, and settings per test.

Every instance here sends its mail to an aiosmtpd server on a free localhost
port. Tests shape ``[accounts]`` through the ``accounts_settings`` fixture.
"""

from __future__ import annotations

import pytest

from campaignkit.testing import FAST_HASHING, edit_config, free_port


@pytest.fixture
def accounts_settings() -> dict:
    """Extra ``[accounts]`` settings for this test's instance."""
    return {}


@pytest.fixture
def server_settings() -> dict:
    """Extra ``[server]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance, smtp_server, accounts_settings, server_settings):  # noqa: ANN001, ANN201
    """The test instance, sending mail to the test SMTP server and hashing quickly."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False},
        accounts={**FAST_HASHING, **accounts_settings},
        server=server_settings,
    )
    return ck_instance


@pytest.fixture
def configure(instance):  # noqa: ANN001, ANN201
    """``configure(accounts={...})``: change the instance's settings for the next app built."""
    return lambda **sections: edit_config(instance, **sections)


@pytest.fixture
def unused_port():  # noqa: ANN201
    """``unused_port()``: a localhost TCP port nothing listens on right now."""
    return free_port
