"""Capabilities: what core, a plugin or a kit needs some enabled plugin to provide.

A capability is provided by implementing its hook: ``geocode`` by
``campaignkit_geocode`` (turning what a person typed into a place),
``seat_at`` by ``campaignkit_seat_at`` (the seat a position lies in). A plugin
says what it needs with ``campaignkit_needs``, a kit with ``needs = [...]``
in its ``[kit]`` table; core's events need a geocoder. ``missing_providers``
turns every unmet need into one line for ``campaignkit check`` and the
start-up log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pluggy

from campaignkit.core.registry import PluginError, call_each

log = logging.getLogger(__name__)

#: Capability name -> (the hook that provides it, what it is in words).
CAPABILITIES: dict[str, tuple[str, str]] = {
    "geocode": ("campaignkit_geocode", "a geocoder (postcodes to places)"),
    "seat_at": ("campaignkit_seat_at", "seat boundaries (the seat a position lies in)"),
}


def providers(manager: pluggy.PluginManager, capability: str) -> list[str]:
    """The enabled plugins that provide a capability, in call order."""
    hook = getattr(manager.hook, CAPABILITIES[capability][0])
    return [impl.plugin_name for impl in reversed(hook.get_hookimpls())]


def declared_needs(
    manager: pluggy.PluginManager, kit_name: str, kit_needs: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Capability -> who needs it ("plugin 'pledges'", "core events", "kit 'uk'").

    A plugin that names a capability that does not exist is a PluginError
    naming it (a typo would otherwise hide a need).
    """
    needs: dict[str, list[str]] = {}
    for plugin, named in call_each(manager, "campaignkit_needs", isolate=False):
        who = "core events" if plugin == "core" else f"plugin '{plugin}'"
        for capability in named:
            if capability not in CAPABILITIES:
                known = ", ".join(CAPABILITIES)
                raise PluginError(
                    f"plugin '{plugin}': campaignkit_needs names '{capability}', "
                    f"which is not a capability (known: {known})"
                )
            needs.setdefault(capability, []).append(who)
    for capability in kit_needs:
        needs.setdefault(capability, []).append(f"kit '{kit_name}'")
    return needs


def missing_providers(
    manager: pluggy.PluginManager, kit_name: str, kit_needs: Iterable[str] = ()
) -> list[str]:
    """One line per needed capability no enabled plugin provides, naming who needs it."""
    lines = []
    for capability, who in declared_needs(manager, kit_name, kit_needs).items():
        if providers(manager, capability):
            continue
        hook, words = CAPABILITIES[capability]
        names = " and ".join(filter(None, [", ".join(who[:-1]), who[-1]]))
        lines.append(
            f"{names} need{'s' if len(who) == 1 else ''} {words}, but no enabled "
            f"plugin provides '{capability}': enable one that implements {hook}"
        )
    return lines


def log_missing_providers(
    manager: pluggy.PluginManager, kit_name: str, kit_needs: Iterable[str], where: Path
) -> None:
    """Log a warning line for each unmet need when an app starts (it still starts)."""
    for line in missing_providers(manager, kit_name, kit_needs):
        log.warning("%s: %s", where, line)
