"""Emoji: campaign emoji and sticker packs made from volunteers' artwork.

Organisers create packs (``campaignkit emoji create-pack`` or the organiser
pages); signed-in volunteers submit artwork with a name and one to three
emoji; reviewers approve, reject (the submitter is mailed why) or ask for
changes; the public pack page shows the approved art with its credits.
Organisers also upload profile-picture frames; supporters frame their photo
at ``/emoji/frames/<id>`` (the photo is never stored, see ``frame_views``).
Every upload is decoded and re-encoded by Pillow (see ``intake``).
Settings (``[plugins.emoji]``)::

    max_upload_mb = 5                 # largest artwork file taken
    submit_rate = "10 per hour;50 per day"   # submissions per address
    download_rate = "20 per hour;100 per day"  # download builds started per address
    erase_withdraws_art = false       # erasure withdraws a person's art instead of
                                      # crediting it to "a volunteer"
    telegram_bot_username = ""        # for `campaignkit emoji telegram-publish`
    telegram_owner_user_id = 0        # (bot token: CAMPAIGNKIT_TELEGRAM_BOT_TOKEN)
    frame_rate = "60 per hour;300 per day"   # photos posted to frame pages per address
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.emoji import (  # noqa: F401 - sharing adds its route to views.bp
    admin,
    downloads,
    frame_admin,
    frame_views,
    hookspecs,
    personal_data,
    sharing,
    views,
)


class EmojiSettings(BaseModel):
    """``[plugins.emoji]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_upload_mb: int = Field(default=5, ge=1, le=50)
    submit_rate: RateText = "10 per hour;50 per day"
    #: How often one address may ask for a pack's download to be built (POST only).
    download_rate: RateText = "20 per hour;100 per day"
    erase_withdraws_art: bool = False
    #: The bot that owns published Telegram sticker sets (its token is in the environment).
    telegram_bot_username: str = ""
    #: The Telegram user id that owns the sets the bot creates.
    telegram_owner_user_id: int | None = None
    #: How often one address may post a photo to a frame page (previews and downloads).
    frame_rate: RateText = "60 per hour;300 per day"


@hookimpl
def campaignkit_addhooks(pluginmanager):
    """Add the hooks emoji offers to other plugins (its ``hookspecs`` module)."""
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return EmojiSettings


@hookimpl
def campaignkit_blueprints():
    """The public pack pages and the organiser pages."""
    return [views.bp, admin.bp]


@hookimpl
def campaignkit_jobs(huey):
    """The job that builds a pack's download for one chat app."""
    downloads.register(huey)


@hookimpl
def campaignkit_nav_items(user):
    """An "Emoji" link for everyone, and the organiser pages for those who run them."""
    items = [NavItem("Emoji", "/emoji", order=60)]
    if has_permission(user, "emoji.manage"):
        items.append(NavItem("Emoji packs", "/organise/emoji", order=860))
    if has_permission(user, "emoji.review"):
        items.append(NavItem("Emoji review", "/organise/emoji/review", order=870))
    if has_permission(user, "emoji.manage"):
        items.append(NavItem("Profile frames", "/organise/emoji/frames", order=875))
    return items


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit emoji ...``."""
    from campaignkit.plugins.emoji.cli import emoji

    cli.add_command(emoji)


@hookimpl
def campaignkit_permissions():
    """Who may create packs and who reviews submitted artwork."""
    return {"emoji.manage": ["organiser"], "emoji.review": ["organiser"]}


@hookimpl
def campaignkit_personal_data(subject, session):
    """The artwork a person submitted."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Take a person's name off their artwork (or withdraw it, when the setting says so)."""
    return personal_data.erase(subject, session)
