"""The input-cleaning layer: what ``clean_text`` keeps and removes, and that requests use it."""

from __future__ import annotations

import pytest
from flask import Flask, request

from campaignkit.core import clean_text, max_length, one_line
from campaignkit.core.events.models import Event
from campaignkit.core.inputs import CleanRequest


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("plain text", "plain text"),
        ("Evil\x00", "Evil"),
        ("bell\x07 escape\x1b[31m del\x7f", "bell escape[31m del"),
        ("C1\x80\x9b controls", "C1 controls"),
        ("one\r\ntwo\rthree\x85four\u2028five", "one\ntwo\nthree\nfour\nfive"),
        ("keeps\ttabs\nand newlines", "keeps\ttabs\nand newlines"),
        ("lone \ud800 surrogate \udfff", "lone  surrogate "),
        ("non\ufdd0\ufffe\U0001ffff\U0010ffffcharacters", "noncharacters"),
        ("cafe\u0301 A\u030a", "caf\u00e9 \u00c5"),  # NFC
        ("emoji \U0001f600 and \u00e9 stay", "emoji \U0001f600 and \u00e9 stay"),
    ],
)
def test_clean_text_removes_controls_makes_line_ends_newlines_and_composes(typed, stored):  # noqa: ANN001
    assert clean_text(typed) == stored
    assert clean_text(stored) == stored  # cleaning twice changes nothing


def test_one_line_and_column_lengths():
    assert one_line(" Ann\t\x00 Example\r\n ") == "Ann Example"
    assert one_line(None) == ""
    assert max_length(Event.title) == 200
    assert max_length(Event.postcode) == 16
    assert max_length(Event.description) is None  # Text has no limit


def test_form_query_and_json_text_is_cleaned_as_parsed_but_passwords_are_not():
    app = Flask(__name__)
    app.request_class = CleanRequest
    form = {"name": "Ann\x00\r\nB", "password": "se\x00cret\r\n", "tags": ["a\x01", "b"]}
    with app.test_request_context("/?q=x%00y&q=e%CC%81", method="POST", data=form):
        assert request.form["name"] == "Ann\nB"
        assert request.form.getlist("tags") == ["a", "b"]
        assert request.form["password"] == "se\x00cret\r\n"
        assert request.args.getlist("q") == ["xy", "\u00e9"]
        assert request.values["name"] == "Ann\nB"
    body = {"title": "T\x00", "nested": [{"k\x00ey": "v\x0b"}], "n": 3}
    with app.test_request_context("/", method="POST", json=body):
        assert request.get_json() == {"title": "T", "nested": [{"key": "v"}], "n": 3}
        assert request.json == request.get_json()
    escaped = '{"name": "lone \\ud800 surrogate"}'  # valid JSON, but not storable text
    with app.test_request_context(
        "/", method="POST", data=escaped, content_type="application/json"
    ):
        assert request.get_json() == {"name": "lone  surrogate"}


def _upload_app() -> Flask:
    from campaignkit.core import in_memory_uploads

    app = Flask(__name__)
    app.request_class = CleanRequest
    app.config["MAX_CONTENT_LENGTH"] = 1000

    def describe():  # noqa: ANN202
        upload = request.files["file"]
        return {"stream": type(upload.stream).__name__, "size": len(upload.read())}

    def in_memory():  # noqa: ANN202
        return describe()

    app.add_url_rule("/spooled", "spooled", describe, methods=["POST"])
    app.add_url_rule("/memory", "memory", in_memory_uploads(2_000_000)(in_memory), methods=["POST"])
    return app


def test_in_memory_uploads_parse_files_to_memory_with_the_views_own_limit():
    import io

    client = _upload_app().test_client()
    big = {"file": (io.BytesIO(b"x" * 900_000), "photo.jpg"), "copy": "y" * 800_000}
    answer = client.post("/memory", data=big, content_type="multipart/form-data")
    assert answer.status_code == 200
    assert answer.json == {"stream": "BytesIO", "size": 900_000}
    too_big = {"file": (io.BytesIO(b"x" * 2_000_001), "photo.jpg")}
    assert client.post("/memory", data=too_big).status_code == 413
    # Any other view keeps the app's limit, and Werkzeug's spooling.
    assert client.post("/spooled", data={"file": (io.BytesIO(b"x" * 2000), "a")}).status_code == 413
    app = _upload_app()
    app.config["MAX_CONTENT_LENGTH"] = 2_000_000
    big["file"] = (io.BytesIO(b"x" * 900_000), "photo.jpg")
    spooled = app.test_client().post("/spooled", data=big, content_type="multipart/form-data")
    assert spooled.status_code == 413  # the copy field is over Flask's 500 KB field limit
    del big["copy"]
    big["file"] = (io.BytesIO(b"x" * 900_000), "photo.jpg")
    spooled = app.test_client().post("/spooled", data=big, content_type="multipart/form-data")
    assert spooled.json["stream"] == "SpooledTemporaryFile"
