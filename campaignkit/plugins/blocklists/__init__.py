"""Blocklists: shared lists of abusive accounts on X, Mastodon and Bluesky, fair to the listed.

Maintainers (``blocklists.maintain``: organisers) create lists, add accounts
by their stable id with a reason and evidence, approve, reject and remove them,
and import files; every change is in each list's audit log. Each list has a
public page with its purpose, rules, counts per reason and an appeal form.
Supporters connect their own X, Mastodon and Bluesky accounts and subscribe them
to lists at "Your blocklists" (``/account/blocklists``); the platform adapters
(``platforms``) do the muting. Settings (``[plugins.blocklists]``)::

    require_second_approval = false   # a new entry waits for a second maintainer
    appeal_rate = "5 per hour;20 per day"   # appeals per address
    connect_rate = "20 per hour;60 per day" # attempts to connect an account, per address
    retention_days = 730              # purge removed entries, decided appeals after (unset:
                                      # [privacy] retention_days)
    x_client_id = ""                  # the group's X app (secret: CAMPAIGNKIT_X_CLIENT_SECRET)
    x_api_url = "https://api.x.com"
    x_authorize_url = "https://x.com/i/oauth2/authorize"
    x_allow_block = false             # v1.1 blocking, only for access levels that have it
    bluesky_service = "https://bsky.social"
    bluesky_appview = "https://public.api.bsky.app"   # public profiles and lists (lookups)
    bluesky_publisher_handle = ""     # the group's account that publishes moderation lists
                                      # (app password: CAMPAIGNKIT_BLUESKY_APP_PASSWORD)
    insecure_servers = []             # "host:port" reachable over http/private (tests only)
    handle_refresh_hours = 24         # listed accounts are checked by id this often
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.blocklists import (  # noqa: F401 - appeals adds its routes to both bps
    account_views,
    admin,
    appeals,
    apply_queue,
    auto_rules,
    bluesky_jobs,
    connect_views,
    jobs,
    ledger,
    lookup_jobs,
    lookup_views,
    personal_data,
    progress,
    subscribe,
    subscribers,
    views,
)


class BlocklistsSettings(BaseModel):
    """``[plugins.blocklists]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    require_second_approval: bool = False
    appeal_rate: RateText = "5 per hour;20 per day"
    #: Attempts to connect an X, Mastodon or Bluesky account per address (each one reaches
    #: out to another server).
    connect_rate: RateText = "20 per hour;60 per day"
    retention_days: int | None = Field(default=None, ge=0, le=36_500)
    #: X: the OAuth 2.0 client of the group's X app (its secret is in the environment,
    #: CAMPAIGNKIT_X_CLIENT_SECRET), where X's API and sign-in page are, and whether this
    #: app's access level still has v1.1 blocking (off: X's action is mute).
    x_client_id: str = ""
    x_api_url: str = "https://api.x.com"
    x_authorize_url: str = "https://x.com/i/oauth2/authorize"
    x_allow_block: bool = False
    #: Bluesky: the service supporters sign in to (a PDS or its entryway).
    bluesky_service: str = "https://bsky.social"
    #: Bluesky's public AppView: handle lookups and reading others' moderation lists.
    bluesky_appview: str = "https://public.api.bsky.app"
    #: The group's own Bluesky account that publishes lists as moderation lists (its app
    #: password is in the environment, CAMPAIGNKIT_BLUESKY_APP_PASSWORD).
    bluesky_publisher_handle: str = ""
    #: Servers that may be reached over plain http or on a private address (development
    #: and tests only), as "host:port"; every other outbound address must be public https.
    insecure_servers: tuple[str, ...] = ()
    #: Listed accounts are asked for by their id this often (hours), when a list page is
    #: shown and by an hourly scan: their handles kept current, suspended and deleted ones
    #: marked.
    handle_refresh_hours: int = Field(default=24, ge=1, le=8760)


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return BlocklistsSettings


@hookimpl
def campaignkit_blueprints():
    """The public list pages, the maintainers' pages, "Your blocklists" and its progress pages."""
    return [views.bp, admin.bp, account_views.bp, progress.bp]


@hookimpl
def campaignkit_jobs(huey):
    """Importing, handle lookup, Bluesky publishing, auto rules and the apply job."""
    jobs.register(huey)
    lookup_jobs.register(huey)
    bluesky_jobs.register(huey)
    auto_rules.register(huey)
    apply_queue.register(huey)


@hookimpl
def campaignkit_nav_items(user):
    """A "Blocklists" link for everyone, and the maintainers' pages for those who keep them."""
    items = [NavItem("Blocklists", "/blocklists", order=70)]
    if getattr(user, "is_authenticated", False):
        items.append(NavItem("Your blocklists", "/account/blocklists", order=71))
    if has_permission(user, "blocklists.maintain"):
        items.append(NavItem("Blocklist entries", "/organise/blocklists", order=880))
        items.append(NavItem("Blocklist appeals", "/organise/blocklists/appeals", order=890))
    return items


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit blocklists ...``."""
    from campaignkit.plugins.blocklists.cli import blocklists

    cli.add_command(blocklists)


@hookimpl
def campaignkit_permissions():
    """Who keeps the lists: adds, approves and removes entries and decides appeals."""
    return {"blocklists.maintain": ["organiser"]}


@hookimpl
def campaignkit_personal_data(subject, session):
    """A person's appeals, the entries they added, their connected accounts and subscriptions."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Delete a person's appeals and connected accounts; unname them as a maintainer."""
    return personal_data.erase(subject, session)


@hookimpl
def campaignkit_purge_personal_data(older_than, session):
    """Delete entries removed, and appeals decided, before ``older_than``."""
    return personal_data.purge(older_than, session)
