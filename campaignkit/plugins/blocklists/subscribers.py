"""The tables for supporters' side: connected platform accounts and their subscriptions.

A `Connection` is one supporter's account on one platform, named by its stable id
(X user id, Mastodon account id on its own server, Bluesky DID). Its credentials are
kept only encrypted (``vault``); disconnecting deletes the row and everything hanging
off it. A `Subscription` asks for one list to be applied to one connection, as mutes
or blocks, and for every account on the list ("any") or only accounts on all of the
connection's lists ("all"). Mastodon apps are registered once per server
(`MastodonApp`), their secret encrypted too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

#: Connection states: working, or the token was refused and the supporter must connect again.
CONNECTED, RECONNECT = "connected", "reconnect"
#: Subscription modes (the planner's ANY and ALL).
ANY, ALL = "any", "all"
#: The auto rule's defaults (Block Together's): accounts younger than this many days, or
#: with fewer followers than this, that mention the subscriber are muted unless followed.
AUTO_MAX_AGE_DAYS, AUTO_MIN_FOLLOWERS = 7, 15


class Connection(Model):
    """A supporter's account on one platform, its encrypted credentials and its apply state."""

    __tablename__ = "blocklists_connections"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "platform", "account_id", name="uq_blocklists_connections_account"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The supporter's campaignkit account (no foreign key, as in every plugin; erasure
    #: deletes the row).
    user_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    platform: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The stable id of the connected account on its platform.
    account_id: Mapped[str] = mapped_column(String(300), nullable=False)
    #: For showing; refreshed whenever the account is read.
    handle: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: The Mastodon server's domain or the Bluesky service URL; "" for X.
    server: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: The platform's tokens or session as JSON, encrypted with the vault's key.
    credentials: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=CONNECTED)
    auto_rules: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    auto_max_age_days: Mapped[int] = mapped_column(
        Integer, nullable=False, default=AUTO_MAX_AGE_DAYS
    )
    auto_min_followers: Mapped[int] = mapped_column(
        Integer, nullable=False, default=AUTO_MIN_FOLLOWERS
    )
    #: The newest mention the auto rule has read.
    auto_since_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: No call before this time (a 429's reset, or the pacer's next slot).
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: When the pending steps should all be done, at the platform's pace.
    estimated_finish: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    #: The last problem, in words the supporter can read ("" when all is well).
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: When the platform's state was last read and planned against.
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Subscription(Model):
    """One list applied to one connected account, as mutes or blocks, in "any" or "all" mode."""

    __tablename__ = "blocklists_subscriptions"
    __table_args__ = (
        UniqueConstraint("connection_id", "list_id", name="uq_blocklists_subscriptions_list"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists_connections.id", ondelete="CASCADE"), nullable=False
    )
    list_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists.id", ondelete="CASCADE"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # "mute" or "block"
    mode: Mapped[str] = mapped_column(String(10), nullable=False, default=ANY)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class MastodonApp(Model):
    """The app campaignkit registered on one Mastodon server (once per server)."""

    __tablename__ = "blocklists_mastodon_apps"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Encrypted with the vault's key.
    client_secret: Mapped[str] = mapped_column(Text, nullable=False)
    redirect_uri: Mapped[str] = mapped_column(String(500), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
