"""Handle lookup: entries imported by handle (status ``lookup``) get their stable id.

Each platform is asked through its adapter, in batches of ``BATCH`` entries:

- X: `XPlatform.lookup_handles` with the instance's app-only bearer token
  (``CAMPAIGNKIT_X_BEARER_TOKEN``); without one, X entries keep waiting and the report
  says why;
- Mastodon: the public ``/api/v1/accounts/lookup`` of the server the handle names
  (Mastodon.py without a token), the id stored as ``id@server``;
- Bluesky: the public AppView's ``app.bsky.actor.getProfiles`` (setting ``bluesky_appview``).

A resolved entry goes live (or waits for a second maintainer); when its id is already on
the list, the waiting row is merged into that entry (deleted, with an audit line) rather
than doubling it. A handle that does not exist keeps its entry waiting with
``lookup_error`` set and an audit line, so maintainers see which handles failed; an entry
from an imported file is named by its line there (``Entry.import_line``). A
`RateLimited` answer stops that platform's part of the run: what was resolved is stored,
and the caller tries again at ``retry_at``; any other platform failure leaves the rest of
that platform's entries waiting, unmarked, for the next run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from campaignkit.core import OutboundRefused, checked_base_url, guarded_session, write_session
from campaignkit.plugins.blocklists.entries import audit, describe, first_status
from campaignkit.plugins.blocklists.models import LIVE, LOOKUP, PLATFORM_NAMES, Entry, now
from campaignkit.plugins.blocklists.platforms.base import PlatformError, RateLimited, RemoteAccount
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform
from campaignkit.plugins.blocklists.platforms.mastodon import MastodonPlatform
from campaignkit.plugins.blocklists.platforms.x import XPlatform

BATCH = 100
X_TOKEN_VARIABLE = "CAMPAIGNKIT_X_BEARER_TOKEN"  # noqa: S105 - a variable name
NO_X_TOKEN = (
    f"X handles are waiting: set {X_TOKEN_VARIABLE} (the X app's app-only bearer token) "
    "in the environment of the worker."
)
NOT_FOUND = "no such account on {platform} (looked up {when})"


@dataclass
class LookupReport:
    """What a lookup run did."""

    resolved: int = 0
    merged: int = 0  # the id was already on the list: the waiting row was folded into it
    missing: list[str] = field(default_factory=list)  # handles that do not exist
    #: (line of the imported file or None, "line 17: @name not found on X") for each of them.
    not_found: list[tuple[int | None, str]] = field(default_factory=list)
    waiting_reason: str = ""  # why some entries still wait (no X token, a rate limit)
    retry_at: float | None = None  # set when a rate limit stopped the run

    def summary(self) -> str:
        """The report in a sentence or two; handles not found named by their import line."""
        text = (f"{self.resolved} handles looked up, {self.merged} of them already on the list; "
                f"{len(self.missing)} not found")  # fmt: skip
        if self.not_found:
            ordered = sorted(self.not_found, key=lambda item: (item[0] is None, item[0] or 0))
            shown = "; ".join(words for _line, words in ordered[:20])
            text += f": {shown}{'; ...' if len(ordered) > 20 else ''}"
        text += "."
        return f"{text} {self.waiting_reason}".strip()


def mastodon_server_url(server: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """The base address of a Mastodon server named in a handle (https unless allowed)."""
    return f"http://{server}" if server in insecure_servers else f"https://{server}"


@dataclass
class Resolvers:
    """How each platform's handles are looked up (built from the settings by `resolvers`)."""

    x_api_url: str
    x_token: str
    bluesky_appview: str
    mastodon_url: Callable[[str], str]
    timeout: float = 10.0
    insecure_servers: tuple[str, ...] = ()

    def resolve(self, platform: str, handles: list[str]) -> dict[str, RemoteAccount]:
        """Accounts by the handle given (None: not checked now); Mastodon ids are ``id@server``."""
        if platform == "x":
            client = XPlatform(self.x_token, base_url=self.x_api_url, timeout=self.timeout)
            return client.lookup_handles(handles)
        if platform == "bluesky":
            client = BlueskyPlatform(service=self.bluesky_appview, timeout=self.timeout)
            return client.lookup_handles(handles)
        found = {}
        for handle in handles:
            name, _, server = handle.removeprefix("@").partition("@")
            server = server.lower()
            try:  # a handle names any server: only public https ones are asked
                base = checked_base_url(self.mastodon_url(server), self.insecure_servers)
                guarded = guarded_session(self.insecure_servers)
                client = MastodonPlatform(base, None, timeout=self.timeout, session=guarded)
                account = client.lookup_handles([name]).get(name)
            except OutboundRefused:
                continue  # reported with the handles not found
            except RateLimited:
                raise
            except PlatformError:
                found[handle] = None  # the server did not answer: keep waiting, unmarked
                continue
            if account is not None:
                found[handle] = RemoteAccount(
                    "mastodon", f"{account.account_id}@{server}", f"@{name.lower()}@{server}",
                    account.created_at, account.followers_count,
                )  # fmt: skip
        return found


def resolvers(settings, environ=None) -> Resolvers:  # noqa: ANN001 - the plugin's settings
    """The resolvers for the instance's settings and the worker's environment."""
    environ = os.environ if environ is None else environ
    insecure = tuple(settings.insecure_servers)
    return Resolvers(
        x_api_url=settings.x_api_url,
        x_token=environ.get(X_TOKEN_VARIABLE, "").strip(),
        bluesky_appview=settings.bluesky_appview,
        mastodon_url=lambda server: mastodon_server_url(server, insecure),
        insecure_servers=insecure,
    )


def waiting_counts(list_id: int) -> dict[str, int]:
    """How many entries of a list wait for their handle to be looked up, per platform."""
    with write_session() as session:
        rows = session.execute(
            select(Entry.platform, func.count())
            .where(Entry.list_id == list_id, Entry.status == LOOKUP)
            .group_by(Entry.platform)
        )
        return dict(rows.all())


def lookup_status(list_id: int) -> dict:
    """What the entries page says about the lookup: how many wait, and why X ones may wait."""
    counts = waiting_counts(list_id)
    missing_token = not os.environ.get(X_TOKEN_VARIABLE, "").strip()
    warning = NO_X_TOKEN if missing_token and counts.get("x") else ""
    return {"waiting": sum(counts.values()), "warning": warning}


def _store(list_id: int, batch: list[Entry], found: dict, require_second: bool, report) -> None:
    """Give each entry of a batch its id, merge duplicates, mark handles that do not exist."""
    stamp = now()
    with write_session() as session:
        for waiting in batch:
            entry = session.get(Entry, waiting.id)
            if entry is None or entry.status != LOOKUP:
                continue  # a maintainer changed it meanwhile
            if entry.handle in found and found[entry.handle] is None:
                continue
            account = found.get(entry.handle)
            if account is None:
                day, line = stamp.strftime("%Y-%m-%d"), entry.import_line
                where = f"line {line} of the import" if line else ""
                name = PLATFORM_NAMES[entry.platform]
                error = NOT_FOUND.format(platform=name, when=day)
                entry.lookup_error = f"{error}; {where}" if where else error
                report.missing.append(entry.handle)
                words = f"{entry.handle} not found on {name}"
                report.not_found.append((line, f"line {line}: {words}" if line else words))
                audit(session, list_id, "lookup", None,
                      f"Not found: {describe(entry)}{f' ({where})' if where else ''}",
                      entry_id=entry.id)  # fmt: skip
                continue
            report.resolved += 1
            twin = session.scalars(
                select(Entry).where(
                    Entry.list_id == list_id,
                    Entry.platform == entry.platform,
                    Entry.account_id == account.account_id,
                )
            ).first()
            if twin is not None:
                report.merged += 1
                audit(session, list_id, "merge", None,
                      f"{describe(entry)} is {account.account_id}, already on the list "
                      f"(entry {twin.id}); merged", entry_id=twin.id)  # fmt: skip
                session.delete(entry)
                continue
            entry.account_id, entry.lookup_error = account.account_id, None
            entry.status, entry.changed_at = first_status(require_second), stamp
            entry.approved_by = entry.added_by if entry.status == LIVE else None
            session.flush()
            audit(session, list_id, "lookup", None, f"Looked up: {describe(entry)}",
                  entry_id=entry.id)  # fmt: skip


def lookup_list(
    list_id: int,
    found_by: Resolvers,
    *,
    require_second_approval: bool = False,
    progress: Callable[[int, int, str], None] = lambda *_: None,
) -> LookupReport:
    """Look up every waiting handle of a list, a batch at a time; stops at a rate limit."""
    report = LookupReport()
    with write_session() as session:
        waiting = list(
            session.scalars(
                select(Entry)
                .where(Entry.list_id == list_id, Entry.status == LOOKUP)
                .order_by(Entry.platform, Entry.id)
            )
        )
        session.expunge_all()
    if not found_by.x_token and any(e.platform == "x" for e in waiting):
        report.waiting_reason = NO_X_TOKEN
        waiting = [e for e in waiting if e.platform != "x"]
    total, done = len(waiting), 0
    progress(0, total, f"Looking up {total} handles")
    for platform in ("x", "mastodon", "bluesky"):
        rows = [e for e in waiting if e.platform == platform]
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            try:
                found = found_by.resolve(platform, [e.handle for e in batch])
            except RateLimited as limited:
                report.retry_at = max(report.retry_at or 0, limited.retry_at)
                report.waiting_reason = (
                    f"{PLATFORM_NAMES[platform]}'s rate limit was reached: the rest are "
                    f"looked up again when it reopens. {report.waiting_reason}"
                ).strip()
                break
            except PlatformError as problem:
                report.waiting_reason = (
                    f"{PLATFORM_NAMES[platform]} handles keep waiting: {problem}. "
                    f"{report.waiting_reason}"
                ).strip()
                break
            _store(list_id, batch, found, require_second_approval, report)
            done += len(batch)
            progress(done, total, f"Looked up {done} of {total} handles")
    return report
