"""Helpers for the connect tests: follow an OAuth dance from our page to a fake and back."""

from __future__ import annotations

import urllib.parse

import requests


def follow_consent(client, started, **tamper):  # noqa: ANN001, ANN201
    """Follow our redirect to the fake's consent page and its redirect back to our callback.

    `tamper` replaces query parameters of the way back (say, ``state="forged"``).
    Returns our callback's answer and the consent page's redirect.
    """
    assert started.status_code == 303, started.get_data(as_text=True)
    consent = requests.get(started.headers["Location"], allow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    back = urllib.parse.urlsplit(consent.headers["Location"])
    query = dict(urllib.parse.parse_qsl(back.query)) | tamper
    return client.get(back.path, query_string=query), back


def flashed(client) -> str:  # noqa: ANN001
    """The page the supporter lands on, with its flashed messages."""
    return client.get("/account/blocklists").get_data(as_text=True)
