"""Tests for the ${name} plugin, using campaignkit's pytest fixtures (``ck_...``)."""

import pytest


@pytest.fixture
def campaignkit_plugins():
    """Enable this plugin (and nothing else) in the test instance."""
    return ["${name}"]


def test_page_is_served(ck_client):
    response = ck_client.get("/${slug}/")
    assert response.status_code == 200
    assert "${title}" in response.get_data(as_text=True)
