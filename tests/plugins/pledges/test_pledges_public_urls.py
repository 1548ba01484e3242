"""Pledge links that leave the site start with ``[server] public_url``, whatever the Host says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pledges_helpers import sign_form

from campaignkit.testing import CSRF_FIELD, edit_config

PUBLIC = "https://campaign.example.org/riverside"
FORGED = {
    "Host header": {"Host": "evil.example"},
    "X-Forwarded-Host": {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"},
}


@pytest.fixture
def campaignkit_database_url() -> None:
    """SQLite only: link building does not touch the database."""
    return None


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The pledges instance at PUBLIC, behind one trusted proxy."""
    edit_config(ck_instance, server={"public_url": PUBLIC, "trusted_proxy_hops": 1})
    return ck_instance


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_confirmation_mail_links_to_the_public_url(client, add_pledge, mailbox, headers):  # noqa: ANN001
    add_pledge()
    page = client.get("/pledges/save-the-library", headers=headers).get_data(as_text=True)
    data = {**sign_form(), "csrf_token": CSRF_FIELD.search(page)[1]}
    signed = client.post("/pledges/save-the-library/sign", data=data, headers=headers)
    assert signed.status_code == 303
    (message,) = mailbox.to("ann@example.org")
    links = re.findall(r"https?://\S+", message.get_content())
    assert links and all(link.startswith(f"{PUBLIC}/pledges/confirm/") for link in links), links
    thanks = client.get(signed.location, headers=headers).get_data(as_text=True)
    assert "evil.example" not in thanks
    assert f'value="{PUBLIC}/pledges/save-the-library"' in thanks  # the copy-link field


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_og_tags_share_links_and_embed_code_use_the_public_url(client, add_pledge, headers):  # noqa: ANN001
    add_pledge(share_text="Sign for the library")
    page = client.get("/pledges/save-the-library", headers=headers).get_data(as_text=True)
    assert "evil.example" not in page
    pledge_url = f"{PUBLIC}/pledges/save-the-library"
    assert f'property="og:url" content="{pledge_url}"' in page
    assert f'property="og:image" content="{pledge_url}/og.png"' in page
    assert f'<iframe src="{pledge_url}/embed"' in page.replace("&lt;", "<").replace("&#34;", '"')
    assert f'value="{pledge_url}"' in page  # the copy-link field
    embed = client.get("/pledges/save-the-library/embed", headers=headers).get_data(as_text=True)
    assert "evil.example" not in embed
