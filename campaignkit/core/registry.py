"""The plugin registry: find installed plugins, register the enabled ones, call hooks.

Built-in plugins (``campaignkit/plugins/*``) and third-party ones (entry-point
group ``campaignkit``) are found and registered the same way. Installed is not
enabled: only the names in the instance's enable list (falling back to the
kit's) are imported and registered, in that order, so hooks run in enable
order. A plugin that fails to import or implements an unknown hook stops
start-up with a ``PluginError`` naming it.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

import campaignkit
from campaignkit.core import hookspecs

log = logging.getLogger(__name__)

BUILTIN_PLUGINS_PACKAGE = "campaignkit.plugins"
ENTRY_POINT_GROUP = "campaignkit"
#: Core's own hook implementations: always registered, always called last.
CORE_HOOKS = "campaignkit.core.core_hooks"


class PluginError(Exception):
    """A plugin could not be loaded or validated; the message names it."""


@dataclass(frozen=True)
class PluginSource:
    """Where an installed plugin comes from."""

    name: str
    module: str
    origin: str  # "builtin" or "entry point"
    version: str
    distribution: str


def installed_plugins() -> dict[str, PluginSource]:
    """Every installed plugin by name: built-ins first, then entry points."""
    package = importlib.import_module(BUILTIN_PLUGINS_PACKAGE)
    found: dict[str, PluginSource] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = f"{BUILTIN_PLUGINS_PACKAGE}.{info.name}"
        found[info.name] = PluginSource(
            info.name, module, "builtin", campaignkit.__version__, "campaignkit"
        )
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in found:
            log.warning(
                "plugin name %r is taken by a built-in; %s ignored", entry.name, entry.value
            )
            continue
        dist = entry.dist
        found[entry.name] = PluginSource(
            entry.name,
            entry.value,
            "entry point",
            dist.version if dist else "unknown",
            dist.name if dist else "unknown",
        )
    return found


def import_plugin(source: PluginSource) -> ModuleType:
    """Import a plugin (``module`` or ``module:object``); any failure is a PluginError naming it."""
    module_name, _, attribute = source.module.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attribute) if attribute else module
    except Exception as exc:  # noqa: BLE001 - any failure must name the plugin
        raise PluginError(
            f"plugin '{source.name}' ({source.module}) failed to import: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def new_manager() -> pluggy.PluginManager:
    """A plugin manager that knows core's hookspecs and adds each plugin's own as it registers.

    ``campaignkit_addhooks`` is a historic hook: every plugin registered on
    this manager later is called with it, so a plugin's hooks are declared
    before its other hooks are checked.
    """
    manager = pluggy.PluginManager("campaignkit")
    manager.add_hookspecs(hookspecs)
    manager.hook.campaignkit_addhooks.call_historic(kwargs={"pluginmanager": manager})
    return manager


def hookspec_names(manager: pluggy.PluginManager) -> set[str]:
    """The names of every hook the manager has a spec for (core's and enabled plugins' own)."""
    return {
        name
        for name, caller in vars(manager.hook).items()
        if not name.startswith("_") and caller.has_spec()
    }


def build_manager(
    enabled: Iterable[str], extra: Iterable[tuple[str, Any]] = ()
) -> pluggy.PluginManager:
    """Register core and the enabled plugins, in enable order, and validate them.

    ``extra`` registers already-imported plugin objects (used by tests and
    by embedding code) after the named ones.
    """
    available = installed_plugins()
    to_register: list[tuple[str, Any]] = []
    for name in enabled:
        if name not in available:
            known = ", ".join(sorted(available)) or "none"
            raise PluginError(f"plugin '{name}' is enabled but not installed (installed: {known})")
        to_register.append((name, import_plugin(available[name])))
    to_register += list(extra)
    manager = new_manager()
    manager.register(importlib.import_module(CORE_HOOKS), name="core")
    # pluggy calls the most recently registered first: register in reverse
    # so that hooks run in enable order and core comes last.
    for name, plugin in reversed(to_register):
        if manager.has_plugin(name) or manager.is_registered(plugin):
            raise PluginError(f"plugin '{name}' is registered twice")
        try:
            manager.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            # Adding a plugin's hookspecs checks the plugins registered before it.
            culprit = manager.get_name(exc.plugin) or name
            raise PluginError(f"plugin '{culprit}' is invalid: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - its campaignkit_addhooks failed
            problem = f"{type(exc).__name__}: {exc}"
            raise PluginError(f"plugin '{name}' could not add its hooks: {problem}") from exc
    _check_hook_names(manager)
    return manager


def _check_hook_names(manager: pluggy.PluginManager) -> None:
    """``check_pending`` with a message naming the plugin, the hook and the likely intended one."""
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = manager.get_name(exc.plugin) or repr(exc.plugin)
        specs = [name for name in vars(manager.hook) if not name.startswith("_")]
        unknown = [
            name
            for name in specs
            if not getattr(manager.hook, name).has_spec()
            and any(i.plugin is exc.plugin for i in getattr(manager.hook, name).get_hookimpls())
        ]
        hook = unknown[0] if unknown else "?"
        known = [name for name in specs if getattr(manager.hook, name).has_spec()]
        close = difflib.get_close_matches(hook, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise PluginError(
            f"plugin '{plugin}' implements hook '{hook}', which does not exist{hint}"
        ) from exc


def enabled_names(manager: pluggy.PluginManager) -> list[str]:
    """The enabled plugin names in enable order (core not included)."""
    names = [name for name, _ in manager.list_name_plugin() if name != "core"]
    return list(reversed(names))


def hooks_implemented(manager: pluggy.PluginManager, name: str) -> list[str]:
    """The hook names a registered plugin implements, sorted."""
    plugin = manager.get_plugin(name)
    callers = manager.get_hookcallers(plugin) or []
    return sorted(caller.name for caller in callers)


def plugin_folder(plugin: Any) -> Path | None:
    """The package folder of a plugin module, where its templates/static/migrations live."""
    path = getattr(plugin, "__file__", None)
    if not path or Path(path).name != "__init__.py":
        return None
    return Path(path).resolve().parent


def call_each(
    manager: pluggy.PluginManager, hook_name: str, *, isolate: bool = True, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call every implementation of a hook in call order, one at a time.

    Returns ``(plugin name, result)`` pairs, leaving out ``None`` results. With
    ``isolate`` (for contributions to shared pages), a plugin that raises is
    logged with its name and skipped so the page still renders; without it,
    the failure becomes a PluginError naming the plugin.
    """
    results = []
    hook = getattr(manager.hook, hook_name)
    for impl in reversed(hook.get_hookimpls()):
        arguments = {name: kwargs[name] for name in impl.argnames}
        try:
            result = impl.function(**arguments)
        except Exception as exc:
            if not isolate:
                problem = f"{type(exc).__name__}: {exc}"
                raise PluginError(
                    f"plugin '{impl.plugin_name}' failed in {hook_name}: {problem}"
                ) from exc
            log.exception(
                "plugin %r failed in %s; its contribution is left out", impl.plugin_name, hook_name
            )
            continue
        if result is not None:
            results.append((impl.plugin_name, result))
    return results
