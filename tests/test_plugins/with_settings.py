"""A test plugin with its own ``[plugins.with_settings]`` schema and a page that shows it."""

from flask import Blueprint
from pydantic import BaseModel, ConfigDict

from campaignkit import hookimpl
from campaignkit.core import plugin_settings

bp = Blueprint("with_settings", __name__, url_prefix="/with-settings")


class Settings(BaseModel):
    """``[plugins.with_settings]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    greeting: str = "hello"
    limit: int = 5


@bp.get("/")
def show():
    """The validated settings, as the plugin sees them."""
    settings = plugin_settings("with_settings")
    return {"greeting": settings.greeting, "limit": settings.limit}


@hookimpl
def campaignkit_settings_schema():
    """This plugin's settings model."""
    return Settings


@hookimpl
def campaignkit_blueprints():
    """The settings page."""
    return [bp]
