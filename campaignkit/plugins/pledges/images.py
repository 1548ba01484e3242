"""Pledge pictures: served from the database, as core's ``clean_picture`` stored them."""

from __future__ import annotations

from flask import Response, abort

from campaignkit.core import db_session
from campaignkit.plugins.pledges.models import Pledge
from campaignkit.plugins.pledges.views import bp, visible_pledge


@bp.get("/<slug>/image.jpg")
def image(slug: str):
    """The pledge's picture; 404 when it has none."""
    pledge = visible_pledge(slug)
    data = db_session().get(Pledge, pledge.id).image
    if not data:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "public, max-age=300"})
