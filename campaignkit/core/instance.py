"""An instance folder, loaded: config, kit, theme, enabled plugins and their settings.

Both the web app and the command line start here, so a problem in
``campaign.toml``, the kit, the theme or a plugin is reported the same way
everywhere: one ``ConfigError`` or ``PluginError`` that names its source.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
from pydantic import BaseModel

from campaignkit.core.capabilities import declared_needs
from campaignkit.core.config import (
    CONFIG_FILE,
    CampaignConfig,
    load_config,
    validate_plugin_settings,
)
from campaignkit.core.db import database_url
from campaignkit.core.kits import KIT_FILE, Kit, load_kit
from campaignkit.core.migrate import Branch
from campaignkit.core.registry import (
    PluginError,
    build_manager,
    call_each,
    enabled_names,
    installed_plugins,
    plugin_folder,
)
from campaignkit.core.themes import SearchPath, Theme, build_search_path, load_theme_chain

INSTANCE_ENV = "CAMPAIGNKIT_INSTANCE"


@dataclass(frozen=True)
class Instance:
    """Everything known about an instance before any request is served."""

    path: Path
    config: CampaignConfig
    kit: Kit
    theme_chain: list[Theme]
    manager: pluggy.PluginManager
    enabled: list[str]
    plugin_settings: dict[str, BaseModel]
    search_path: SearchPath
    database_url: str

    @property
    def redis_url(self) -> str | None:
        """The Redis URL for jobs and rate limits, if configured."""
        return self.config.campaign.redis_url


def namespace(instance: Instance) -> str:
    """A short name for this instance's keys in shared stores such as Redis."""
    return hashlib.sha256(instance.config.campaign.secret_key.encode()).hexdigest()[:16]


def resolve_instance_dir(given: str | os.PathLike | None) -> Path:
    """The instance folder: the argument, else ``CAMPAIGNKIT_INSTANCE``, else the current folder."""
    chosen = given or os.environ.get(INSTANCE_ENV) or "."
    return Path(chosen).expanduser().resolve()


def _settings_schemas(manager: pluggy.PluginManager) -> dict[str, type[BaseModel]]:
    schemas = {}
    for plugin, schema in call_each(manager, "campaignkit_settings_schema", isolate=False):
        if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
            raise PluginError(
                f"plugin '{plugin}': campaignkit_settings_schema must return a pydantic model class"
            )
        schemas[plugin] = schema
    return schemas


def migration_branches() -> list[Branch]:
    """A migration branch for every installed plugin with a ``migrations/`` folder.

    Found without importing the plugins, so a broken disabled plugin does not
    stop migrations of the others.
    """
    branches = []
    for name, source in installed_plugins().items():
        spec = importlib.util.find_spec(source.module.split(":")[0])
        locations = list(spec.submodule_search_locations or []) if spec else []
        for location in locations:
            folder = Path(location) / "migrations"
            if folder.is_dir():
                branches.append(Branch(name, folder))
    return branches


def load_config_and_kit(
    instance_dir: Path, environ: dict[str, str] | None = None
) -> tuple[CampaignConfig, Kit]:
    """The validated config and kit of an instance folder, without importing any plugin."""
    config = load_config(instance_dir, environ)
    kit = load_kit(config.campaign.kit, instance_dir, str(instance_dir / CONFIG_FILE))
    return config, kit


def configured_plugins(config: CampaignConfig, kit: Kit) -> list[str]:
    """The enable list: ``[campaign] plugins`` if set, else the kit's, in order."""
    return list(config.campaign.plugins if config.campaign.plugins is not None else kit.plugins)


def load_instance(
    instance_dir: str | os.PathLike | None,
    environ: dict[str, str] | None = None,
    extra_plugins: Iterable[tuple[str, Any]] = (),
) -> Instance:
    """Load and validate an instance folder; raises ConfigError or PluginError."""
    path = resolve_instance_dir(instance_dir)
    config, kit = load_config_and_kit(path, environ)
    if config.campaign.theme:
        theme_chain = load_theme_chain(config.campaign.theme, path, str(path / CONFIG_FILE))
    else:
        theme_chain = load_theme_chain(kit.theme, kit.path, str(kit.path / KIT_FILE))
    manager = build_manager(configured_plugins(config, kit), extra=extra_plugins)
    names = enabled_names(manager)
    tables = {name: dict(table) for name, table in kit.settings.items() if name in names}
    for name, table in config.plugins.items():
        tables[name] = {**tables.get(name, {}), **table}
    settings = validate_plugin_settings(tables, _settings_schemas(manager), str(path / CONFIG_FILE))
    declared_needs(manager, kit.name, kit.needs)  # a capability nobody knows stops start-up
    plugin_dirs = []
    for name in names:
        folder = plugin_folder(manager.get_plugin(name))
        if folder is not None:
            plugin_dirs.append((name, folder))
    return Instance(
        path=path,
        config=config,
        kit=kit,
        theme_chain=theme_chain,
        manager=manager,
        enabled=names,
        plugin_settings=settings,
        search_path=build_search_path(path, kit.path, theme_chain, plugin_dirs),
        database_url=database_url(config.campaign.database_url, path),
    )
