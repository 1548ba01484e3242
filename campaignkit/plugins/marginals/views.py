"""The plugin's JSON API: ``GET /api/v1/marginals/seat-at?lat=..&lon=..``."""

from __future__ import annotations

import math

from flask import Blueprint, abort, jsonify, request

from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.geocoding import seat_code_at, seat_ref

api = Blueprint("marginals_api", __name__, url_prefix="/api/v1/marginals")


def _coordinate(name: str, limit: float) -> float:
    text = request.args.get(name, "").strip()
    if not text:
        abort(400, description=f"Give '{name}' as a number, e.g. ?lat=51.5&lon=-0.12.")
    try:
        value = float(text)
    except ValueError:
        abort(400, description=f"'{name}' must be a number, not '{text[:40]}'.")
    if not math.isfinite(value) or abs(value) > limit:
        abort(400, description=f"'{name}' must be between -{limit:g} and {limit:g}.")
    return value


@api.get("/seat-at")
def seat_at():
    """The seat whose boundary holds the position: ``{"code", "name"}``; 404 if none."""
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    seat = seat_ref(tables(), seat_code_at(lat, lon))
    if seat is None:
        abort(404, description="No seat covers that position.")
    return jsonify(code=seat.code, name=seat.name)
