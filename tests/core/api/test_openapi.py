"""The API's contract: /api/v1/openapi.json built from the views' models, the docs page,
plugins adding operations through core, and one error shape for every API error."""

from __future__ import annotations

from flask import Blueprint
from pydantic import BaseModel

import campaignkit
from campaignkit.core import api_operation, query_whole, rate_limited
from campaignkit.core.openapi import api_rules


class Greeting(BaseModel):
    """A greeting, repeated."""

    words: list[str]


class GreetingQuery(BaseModel):
    """How many times to greet."""

    times: query_whole(1, 3) = 1


greetings = Blueprint("greetings_api", __name__, url_prefix="/api/v1/greetings")


@greetings.get("")
@api_operation(Greeting, query=GreetingQuery, tag="greetings")
def greet(query: GreetingQuery) -> Greeting:
    """Say hello, up to three times."""
    return Greeting(words=["hello"] * query.times)


@greetings.get("/once")
@rate_limited("1 per minute", methods=("GET",))
@api_operation(Greeting, errors=(429,), tag="greetings")
def greet_once() -> Greeting:
    """Say hello once a minute."""
    return Greeting(words=["hello"])


class GreetingPlugin:
    """A test plugin adding one API operation through the public API only."""

    @campaignkit.hookimpl
    def campaignkit_blueprints(self):  # noqa: ANN201
        return [greetings]


def test_every_api_route_is_in_the_document(ck_app, ck_client):  # noqa: ANN001
    document = ck_client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    undocumented = [rule.rule for rule, op in api_rules(ck_app) if op is None]
    assert undocumented == []
    assert {"/api/v1/events", "/api/v1/marginals/seat-at", "/api/v1/marginals/nearest"} <= set(
        document["paths"]
    )
    events = document["paths"]["/api/v1/events"]["get"]
    parameters = {p["name"]: p for p in events["parameters"]}
    assert parameters["from"]["schema"]["pattern"]  # the alias, as a client writes it
    per_page = {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert parameters["per_page"]["schema"] == per_page
    assert "default" not in parameters["lat"]["schema"]  # no default: left out, not null
    assert parameters["type"]["schema"]["type"] == "array"
    ok = events["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok == "#/components/schemas/EventList"
    schemas = document["components"]["schemas"]
    assert set(schemas["EventOut"]["required"]) >= {"id", "starts_at", "url", "seat"}
    bad = events["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert schemas[bad.rsplit("/", 1)[-1]]["properties"]["error"]["$ref"].endswith("ErrorDetail")


def test_a_plugin_adds_an_operation(ck_make_app):  # noqa: ANN001
    client = ck_make_app(extra_plugins=[("greetings", GreetingPlugin())]).test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/greetings"]["get"]
    assert operation["summary"] == "Say hello, up to three times."
    assert operation["parameters"][0]["name"] == "times"
    assert "Greeting" in document["components"]["schemas"]
    assert client.get("/api/v1/greetings?times=2").get_json() == {"words": ["hello", "hello"]}
    refused = client.get("/api/v1/greetings?times=4")
    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": {"code": "bad_request", "message": "'times' must be a whole number from 1 to 3."}
    }
    assert client.get("/api/v1/greetings/once").status_code == 200
    limited = client.get("/api/v1/greetings/once")
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"
    assert "429" in document["paths"]["/api/v1/greetings/once"]["get"]["responses"]


def test_docs_page_lists_operations_and_schemas(ck_client):  # noqa: ANN001
    page = ck_client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    for words in ("GET /api/v1/events", "GET /api/v1/marginals/nearest", "EventList", "radius_km"):
        assert words in page.text, words
    assert "<script" not in page.text.split("</header>", 1)[-1]


def test_api_errors_share_one_shape(ck_client):  # noqa: ANN001
    cases = [
        ("get", "/api/v1/events?per_page=0", 400, "bad_request"),
        ("get", "/api/v1/nothing-here", 404, "not_found"),
        ("post", "/api/v1/events", 405, "method_not_allowed"),
        ("get", "/api/v1/marginals/seat-at?lat=48.85&lon=2.35", 404, "not_found"),
    ]
    for method, url, status, code in cases:
        response = getattr(ck_client, method)(url)
        assert response.status_code == status, url
        body = response.get_json()
        assert set(body) == {"error"} and body["error"]["code"] == code, url
        assert body["error"]["message"], url
    assert "GET" in ck_client.post("/api/v1/events").headers["Allow"]


def test_bad_parameters_are_named_as_clients_write_them(client):  # noqa: ANN001
    for query, words in [
        ("from=2026-02-30", "'from' date"),
        ("to=1999-12-31", "'to' date must be between"),
        ("lat=1e1&lon=0", "'lat' must be a number between -90 and 90"),
        ("per_page=", "'per_page' must be a whole number from 1 to 100"),
        ("near=" + "x" * 101, "'near'"),
        ("order=random", "'order'"),
    ]:
        answer = client.get(f"/api/v1/events?{query}")
        assert answer.status_code == 400, query
        assert words in answer.get_json()["error"]["message"], (query, answer.get_json())
