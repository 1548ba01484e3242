"""Retention: remove personal data older than each plugin's retention period.

A plugin's period is its own ``retention_days`` setting when its settings
schema has one, else ``[privacy] retention_days``; 0 keeps data for ever.
Each plugin purges in a write transaction of its own, rolled back for a dry
run. Then consent records of people without an account are anonymised once
older than the period of the plugin their purpose names (``pledges.updates``
belongs to ``pledges``), and accounts never confirmed (or rejected) and
unused for core's period are erased through every plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta

from campaignkit.core.privacy.core_data import (
    anonymise_consents,
    consent_purposes,
    stale_accounts,
)
from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.registry import PluginError
from campaignkit.core.state import app_state, current_database, current_instance

HOOK = "campaignkit_purge_personal_data"
Progress = Callable[[list[str]], AbstractContextManager[Iterable[str]]]


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


def retention_days(plugin: str) -> int:
    """A plugin's retention period in days (0: for ever)."""
    instance = current_instance()
    own = getattr(instance.plugin_settings.get(plugin), "retention_days", None)
    return int(own) if own is not None else instance.config.privacy.retention_days


def _purge_plugin(impl, older_than: datetime, dry_run: bool) -> int:  # noqa: ANN001 - HookImpl
    database = current_database()
    count = 0
    try:
        with database.write() as session:
            arguments = {"older_than": older_than, "session": session}
            count = int(impl.function(**{name: arguments[name] for name in impl.argnames}) or 0)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except Exception as exc:
        raise PluginError(f"plugin '{impl.plugin_name}' failed in {HOOK}: {exc}") from exc
    return count


def _purge_consents(now: datetime, dry_run: bool) -> int:
    database = current_database()
    count = 0
    try:
        with database.write() as session:
            for purpose in consent_purposes(session):
                days = retention_days(purpose.partition(".")[0])
                if days:
                    count += anonymise_consents(session, purpose, now - timedelta(days=days))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return count


def purge(
    *, dry_run: bool = False, now: datetime | None = None, progress: Progress = nullcontext
) -> dict[str, int]:
    """Purge every plugin's old personal data.

    Returns rows changed per plugin, plus "consents" (records anonymised)
    and "accounts" (stale accounts erased).

    ``progress(names)`` is a context manager giving the names to go through.
    """
    state = app_state()
    now = now or datetime.now(UTC)
    impls = {impl.plugin_name: impl for impl in getattr(state.manager.hook, HOOK).get_hookimpls()}
    order = [name for name in reversed(list(impls))]  # enable order, core last
    counts: dict[str, int] = {}
    with progress(order) as names:
        for name in names:
            days = retention_days(name)
            if days:
                counts[name] = _purge_plugin(impls[name], now - timedelta(days=days), dry_run)
    counts["consents"] = _purge_consents(now, dry_run)
    core_days = retention_days("core")
    with state.database.new_session() as session:
        accounts = stale_accounts(session, now - timedelta(days=core_days)) if core_days else []
    if not dry_run:
        for email in accounts:
            erase_person(email, "purge")
    counts["accounts"] = len(accounts)
    return counts
