"""${title}: a campaignkit plugin.

campaignkit calls the functions marked ``@hookimpl`` below. Every hook you can
implement is listed in campaignkit's docs/hooks.md.
"""

from campaignkit import hookimpl
from campaignkit.core import campaign_name
from flask import Blueprint, render_template

bp = Blueprint("${name}", __name__, url_prefix="/${slug}")


@bp.get("/")
def index():
    """The plugin's page."""
    return render_template("${name}/index.html", campaign=campaign_name())


@hookimpl
def campaignkit_blueprints():
    """Add the plugin's pages to the site."""
    return [bp]
