"""API operations under an OpenAPI 3.1 contract, for core and plugins alike.

A JSON view declares its operation with ``api_operation``: a pydantic model
for its query parameters (checked before the view runs, which receives the
checked values as ``query``) and one for its answer (the view returns an
instance, serialised here). ``campaignkit.core.openapi`` builds the contract from
those same models for every ``/api/v1`` route, so the document cannot drift
from what the views accept and send. Errors share one shape, ``ErrorBody``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, get_args, get_origin

from flask import Response, abort, request
from pydantic import BaseModel, BeforeValidator, ValidationError, ValidationInfo, WithJsonSchema

from campaignkit.core.parsing import (
    EARLIEST_DAY,
    LATEST_DAY,
    ParseError,
    parse_day,
    parse_float,
    parse_int,
)

API_PREFIX = "/api/v1"
#: Statuses any operation may answer with, whatever it declares.
COMMON_ERRORS = (429, 500)


class ErrorDetail(BaseModel):
    """What went wrong: a stable code for programs and a sentence for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every API error: ``{"error": {"code": "...", "message": "..."}}``."""

    error: ErrorDetail


#: Decimal text as ``parse_float`` takes it ("51.5", "-0.12"; space around it is ignored).
DECIMAL_PATTERN = r"^\s*-?[0-9]{1,15}(\.[0-9]{1,20})?\s*$"
#: A day as ``parse_day`` takes it, YYYY-MM-DD.
DAY_PATTERN = r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"


def _name(info: ValidationInfo) -> str:
    """The parameter's name as a client writes it (the field ``from_`` is ``from``)."""
    return (info.field_name or "value").rstrip("_")


def query_decimal(low: float, high: float, example: str, pattern: str = DECIMAL_PATTERN) -> Any:
    """A query field type: a decimal number from ``low`` to ``high``, read as ``parse_float`` does.

    The contract shows it as text matching ``pattern`` (the API takes ASCII digits
    only, no exponent, no "nan"), and its description names the range. Text that
    does not match the pattern is refused, so the contract and the check agree.
    """
    shape = re.compile(pattern)

    def read(value: object, info: ValidationInfo) -> float:
        name = f"'{_name(info)}'"
        if not isinstance(value, str) or not shape.match(value):
            raise ParseError(f"{name} must be a number between {low:g} and {high:g}.")
        return parse_float(value, low, high, name)

    schema = {
        "type": "string",
        "pattern": pattern,
        "description": f"A number between {low:g} and {high:g} in ASCII digits, e.g. {example}.",
    }
    return Annotated[float, BeforeValidator(read), WithJsonSchema(schema)]


#: Degrees of latitude, -90 to 90, and of longitude, -180 to 180, as text.
LATITUDE_PATTERN = r"^\s*-?(90(\.0{1,20})?|[1-8]?[0-9](\.[0-9]{1,20})?)\s*$"
LONGITUDE_PATTERN = r"^\s*-?(180(\.0{1,20})?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]{1,20})?)\s*$"
#: Query field types for a position: ``lat: Latitude = Field(None)``.
Latitude = query_decimal(-90, 90, "51.5", LATITUDE_PATTERN)
Longitude = query_decimal(-180, 180, "-0.12", LONGITUDE_PATTERN)


def query_whole(low: int, high: int) -> Any:
    """A query field type: a whole number from ``low`` to ``high``, read as ``parse_int`` does."""

    def read(value: object, info: ValidationInfo) -> int:
        return parse_int(value, low, high, f"'{_name(info)}'")

    return Annotated[
        int,
        BeforeValidator(read),
        WithJsonSchema({"type": "integer", "minimum": low, "maximum": high}),
    ]


def query_day() -> Any:
    """A query field type: a day written YYYY-MM-DD within the years campaignkit takes."""

    def read(value: object, info: ValidationInfo) -> date:
        return parse_day(value, f"the '{_name(info)}' date")

    schema = {
        "type": "string",
        "pattern": DAY_PATTERN,
        "description": f"A day written YYYY-MM-DD, from {EARLIEST_DAY} to {LATEST_DAY}.",
    }
    return Annotated[date, BeforeValidator(read), WithJsonSchema(schema)]


@dataclass(frozen=True)
class Operation:
    """What ``api_operation`` records about a view for the OpenAPI document."""

    summary: str
    description: str
    response: type[BaseModel]
    query: type[BaseModel] | None
    errors: tuple[int, ...]
    tag: str | None


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (list, tuple):
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


@functools.cache
def _query_keys(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Each query parameter of ``model``: (its key, whether it takes a list)."""
    return tuple(
        (field.alias or name, _is_list(field.annotation))
        for name, field in model.model_fields.items()
    )


def _problem(error: dict) -> str:
    """A sentence for the first thing wrong with the query, naming the parameter."""
    name = str(error["loc"][0]) if error["loc"] else "query"
    if error["type"] == "missing":
        return f"Give '{name}'."
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError):  # our parsers' own sentence
        return str(cause)
    return f"'{name}': {error['msg']}."


def read_query(model: type[BaseModel]) -> BaseModel:
    """The request's query string checked against ``model``; a 400 saying what to give."""
    data: dict[str, Any] = {}
    for key, many in _query_keys(model):
        values = request.args.getlist(key)
        if values:
            data[key] = values if many else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        abort(400, description=_problem(exc.errors()[0]))


def api_operation(
    response: type[BaseModel],
    *,
    query: type[BaseModel] | None = None,
    errors: Iterable[int] = (400,),
    summary: str | None = None,
    tag: str | None = None,
) -> Callable[[Callable], Callable]:
    """Put a JSON view under the API contract; place it under the route decorator.

    ``query`` (a pydantic model) checks the query string first: the view is
    called with the checked values as its ``query`` keyword argument, and a
    bad value is answered 400 in the shared error shape. The view returns an
    instance of ``response`` (or any Flask response, for a status of its own).
    ``errors`` lists the error statuses it may answer; ``summary`` defaults to
    the first line of the view's docstring. Both feed ``/api/v1/openapi.json``.
    """

    def decorate(view: Callable) -> Callable:
        doc = (view.__doc__ or "").strip()
        operation = Operation(
            summary=summary or doc.split("\n", 1)[0],
            description=doc,
            response=response,
            query=query,
            errors=tuple(sorted(set(errors) | set(COMMON_ERRORS))),
            tag=tag,
        )

        @functools.wraps(view)
        def checked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if query is not None:
                kwargs["query"] = read_query(query)
            answer = view(*args, **kwargs)
            if isinstance(answer, BaseModel):
                return Response(answer.model_dump_json(), mimetype="application/json")
            return answer

        checked.api_operation = operation
        return checked

    return decorate


def operation_of(view: Callable) -> Operation | None:
    """The operation a view declared with ``api_operation``, if any."""
    return getattr(view, "api_operation", None)
