"""``set_signed_cookie`` / ``read_signed_cookie``: a short text a page remembers, unforgeable."""

from __future__ import annotations

import time

from flask import Response

from campaignkit.core import read_signed_cookie, set_signed_cookie


def _set(app, text: str = "bench:7:1", base_url: str = "http://localhost") -> str:  # noqa: ANN001
    """The Set-Cookie header that setting ``ck_note`` gives."""
    with app.test_request_context("/p/sign", base_url=base_url):
        response = Response()
        set_signed_cookie(response, "ck_note", text, path="/p/thanks")
    return response.headers["Set-Cookie"]


def _read(app, header: str, name: str = "ck_note", max_age_s: int = 60) -> str | None:  # noqa: ANN001
    """What a request carrying the cookie of ``header`` reads under ``name``."""
    value = header.split(";", 1)[0].split("=", 1)[1]
    with app.test_request_context("/p/thanks", headers={"Cookie": f"{name}={value}"}):
        return read_signed_cookie(name, max_age_s)


def test_the_text_comes_back_on_its_page_only_with_the_session_cookies_flags(ck_app):  # noqa: ANN001
    header = _set(ck_app)
    flags = {part.strip() for part in header.split(";")[1:]}
    assert flags == {"Path=/p/thanks", "HttpOnly", "SameSite=Lax"}  # gone when the browser closes
    assert _read(ck_app, header) == "bench:7:1"
    assert "Secure" in _set(ck_app, base_url="https://campaign.example.org")


def test_an_edited_renamed_missing_or_expired_cookie_reads_as_none(ck_app, monkeypatch):  # noqa: ANN001
    header = _set(ck_app)
    assert _read(ck_app, header.replace("bench:7:1", "bench:8:1")) is None  # edited
    assert _read(ck_app, header, name="ck_other") is None  # another cookie's signature
    assert _read(ck_app, "ck_note=; Path=/") is None  # empty
    with ck_app.test_request_context("/p/thanks"):
        assert read_signed_cookie("ck_note", 60) is None  # absent
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert _read(ck_app, header) is None  # past its age
    assert _read(ck_app, header, max_age_s=120) == "bench:7:1"


def test_a_cookie_signed_before_a_key_rotation_still_reads(ck_app):  # noqa: ANN001
    header = _set(ck_app)
    old_key = ck_app.secret_key
    ck_app.secret_key = "a new secret key for this test, long enough"
    try:
        assert _read(ck_app, header) is None  # the old key is no longer trusted
        ck_app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert _read(ck_app, header) == "bench:7:1"
    finally:
        ck_app.secret_key = old_key
        ck_app.config["SECRET_KEY_FALLBACKS"] = []
