"""The API's contract: ``/api/v1/openapi.json`` and a readable page at ``/api/v1/docs``.

The document is built from the app's URL map and the models each view
declared with ``api_operation``; nothing in it is written by hand.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.http import HTTP_STATUS_CODES

from campaignkit import __version__
from campaignkit.core.apispec import API_PREFIX, ErrorBody, Operation, operation_of
from campaignkit.core.settings import campaign_name

bp = Blueprint("api_docs", __name__, url_prefix=API_PREFIX)
REF_TEMPLATE = "#/components/schemas/{model}"
#: Flask's ``<converter:name>`` in a rule, and the JSON types of the converters.
RULE_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
CONVERTER_TYPES = {"int": "integer", "float": "number"}
#: The contract's own routes, which are not operations of the API.
OWN_ENDPOINTS = {"api_docs.openapi_json", "api_docs.docs"}


def api_rules(app: Flask) -> list[tuple[Any, Operation | None]]:
    """Every ``/api/v1`` rule of the app (but the contract's own) with its operation, by path."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX) and rule.endpoint not in OWN_ENDPOINTS:
            found.append((rule, operation_of(app.view_functions[rule.endpoint])))
    return sorted(found, key=lambda item: item[0].rule)


def _path_and_parameters(rule: str) -> tuple[str, list[dict]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": CONVERTER_TYPES.get(converter or "", "string")},
        }
        for converter, name in RULE_ARGUMENT.findall(rule)
    ]
    return RULE_ARGUMENT.sub(r"{\2}", rule), parameters


def _query_parameters(model: type[BaseModel] | None) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema(mode="validation", ref_template=REF_TEMPLATE)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        if prop.get("default", "") is None:  # "left out", not a null a client could send
            del prop["default"]
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("description"):
            parameter["description"] = prop["description"]
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def openapi_document(app: Flask, title: str = "campaignkit") -> dict:
    """The OpenAPI 3.1 document of every ``/api/v1`` operation the app serves."""
    rules = [(rule, op) for rule, op in api_rules(app) if op is not None]
    models = {ErrorBody} | {op.response for _rule, op in rules}
    refs, schemas = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF_TEMPLATE,
    )
    error_ref = refs[(ErrorBody, "serialization")]["$ref"]
    paths: dict[str, dict] = {}
    for rule, op in rules:
        path, path_parameters = _path_and_parameters(rule.rule)
        responses = {"200": _json(refs[(op.response, "serialization")]["$ref"], "Success")}
        for status in op.errors:
            responses[str(status)] = _json(error_ref, HTTP_STATUS_CODES.get(status, "Error"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = {
                "operationId": rule.endpoint.replace(".", "_"),
                "summary": op.summary,
                "description": op.description,
                "tags": [op.tag or rule.endpoint.split(".", 1)[0]],
                "parameters": path_parameters + _query_parameters(op.query),
                "responses": responses,
            }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": __version__},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas.get("$defs", {})},
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this site's API."""
    return jsonify(openapi_document(current_app, campaign_name()))


@bp.get("/docs")
def docs():
    """The API's operations, parameters and answers as a page, from the same document."""
    document = openapi_document(current_app, campaign_name())
    return render_template("core/api_docs.html", document=document)
