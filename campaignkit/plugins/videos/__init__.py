"""Videos: briefs, submissions and a review queue for volunteer video producers.

Supporters apply to be producers (portfolio, skills, consent to the producer
agreement); organisers approve them. Organisers post briefs (message,
audience, format, length, deadline, assets, do's and don'ts); producers claim
a brief, make the film and submit it (an upload or a link); reviewers tick a
checklist and approve, ask for changes or reject; publishers put approved
videos in the public gallery and take them down again. Settings
(``[plugins.videos]``)::

    max_upload_mb = 2048              # largest upload taken
    asset_max_mb = 50                 # largest file an organiser attaches to a brief
    oembed_hosts = ["www.youtube.com", "youtube.com", "youtu.be", "vimeo.com",
                    "player.vimeo.com"]   # link hosts asked for metadata (add PeerTube hosts)
    reviewers_required = 1            # approvals (by different reviewers) before publishing: 1 or 2
    retention_days = 90               # files of taken-down videos are purged after this
    erase_withdraws_unpublished = true    # erasure withdraws a producer's unpublished videos
    submit_rate = "10 per hour;50 per day"  # submissions and applications per address
    tus_create_rate = "30 per hour;200 per day"  # resumable uploads a person may start
    tus_expiry_hours = 24             # unfinished resumable uploads are deleted after this
    insecure_servers = []             # "host:port" fetched over http/private addresses (tests only)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.videos import (  # noqa: F401 - each adds its routes to bp
    asset_files,
    briefs,
    hookspecs,
    media_views,
    models,
    personal_data,
    processing,
    producers,
    producing,
    publishing,
    reminders,
    review,
    submissions,
    tus,
    tus_expiry,
)
from campaignkit.plugins.videos.blueprint import bp

DEFAULT_OEMBED_HOSTS = [
    "www.youtube.com",
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "player.vimeo.com",
]


class VideosSettings(BaseModel):
    """``[plugins.videos]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_upload_mb: int = Field(default=2048, ge=1, le=1_048_576)
    #: The largest file (in MB) an organiser may attach to a brief.
    asset_max_mb: int = Field(default=50, ge=1, le=10_240)
    #: Hosts whose oEmbed metadata the worker may fetch; an instance adds its PeerTube hosts.
    oembed_hosts: list[str] = Field(default_factory=lambda: list(DEFAULT_OEMBED_HOSTS))
    #: How many different reviewers must approve a video before it can be published.
    reviewers_required: Literal[1, 2] = 1
    #: Days a taken-down video's files are kept before ``campaignkit videos purge`` deletes them.
    retention_days: int = Field(default=90, ge=0, le=36_500)
    #: Erasing a producer also withdraws their unpublished submissions (and deletes the files).
    erase_withdraws_unpublished: bool = True
    #: How often one address may post a submission or a producer application.
    submit_rate: RateText = "10 per hour;50 per day"
    #: How many resumable (tus) uploads one signed-in person may start.
    tus_create_rate: RateText = "30 per hour;200 per day"
    #: Hours after its creation an unfinished resumable upload expires and is deleted.
    tus_expiry_hours: int = Field(default=24, ge=1, le=24 * 365)
    #: "host:port" servers reached over plain http and on any address (tests only).
    insecure_servers: list[str] = Field(default_factory=list)


@hookimpl
def campaignkit_addhooks(pluginmanager):
    """Add the hooks videos offers to other plugins (its ``hookspecs`` module)."""
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return VideosSettings


@hookimpl
def campaignkit_blueprints():
    """The gallery, the producers' pages and the organisers' pages."""
    return [bp, media_views.media_bp]


@hookimpl
def campaignkit_jobs(huey):
    """The hourly jobs (deadline reminders, expired uploads' clean-up) and the media job."""
    reminders.register(huey)
    processing.register(huey)
    tus_expiry.register(huey)


@hookimpl
def campaignkit_permissions():
    """Who makes videos, reviews and publishes (and takes down) them, and posts briefs."""
    return {
        "videos.produce": ["producer", "organiser"],
        "videos.review": ["organiser", "moderator"],
        "videos.publish": ["organiser"],
        "videos.manage": ["organiser"],
    }


@hookimpl
def campaignkit_nav_items(user):
    """ "Videos" for everyone; briefs for producers; the review queue for reviewers."""
    items = [NavItem("Videos", "/videos", order=65)]
    if has_permission(user, "videos.produce"):
        items.append(NavItem("Video briefs", "/videos/briefs", order=66))
    if has_permission(user, "videos.review"):
        items.append(NavItem("Video review", "/videos/review", order=880))
    if has_permission(user, "members.approve"):
        items.append(NavItem("Video producers", "/videos/producers", order=885))
    return items


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit videos briefs|import|purge``."""
    from campaignkit.plugins.videos.cli import videos

    cli.add_command(videos)


@hookimpl
def campaignkit_personal_data(subject, session):
    """A producer's application, videos, claims and reviews."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Take a person off their videos' credits (withdrawing unpublished ones, by default)."""
    return personal_data.erase(subject, session)
