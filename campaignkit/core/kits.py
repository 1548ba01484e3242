"""Kits: a folder bundle for a candidate or cause, described by ``kit.toml``.

A kit names the plugins a new instance enables, their settings, the theme and
the election it is for. Built-in kits live in ``campaignkit/kits/``; other
distributions add kits through the ``campaignkit.kits`` entry-point group
(the entry point names a module whose folder holds ``kit.toml``). An instance
may also point at a kit folder by path, which is what ``kit fork`` makes.
"""

from __future__ import annotations

import importlib
import shutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

import tomlkit
from pydantic import BaseModel, ConfigDict, ValidationError

from campaignkit.core.config import (
    ConfigError,
    describe_validation_error,
    is_path_ref,
    read_toml,
)
from campaignkit.core.kit_theme import read_kit_theme

BUILTIN_KITS_DIR = Path(__file__).resolve().parent.parent / "kits"
KIT_FILE = "kit.toml"


class _KitInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    description: str = ""
    theme: str = "rose"
    plugins: list[str] = []
    #: Capabilities some enabled plugin must provide (``campaignkit.core.capabilities``).
    needs: list[Literal["geocode", "seat_at"]] = []


class _KitEvents(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Extra event types, name = label (``leafleting = "Leafleting"``).
    types: dict[str, str] = {}


class _KitFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kit: _KitInfo
    #: The kit's colours, fonts and logo (``campaignkit.core.kit_theme``).
    theme: dict[str, Any] = {}
    election: dict[str, Any] = {}
    events: _KitEvents = _KitEvents()
    settings: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Kit:
    """A loaded kit: its folder and what its ``kit.toml`` says."""

    name: str
    title: str
    description: str
    path: Path
    theme: str
    plugins: tuple[str, ...]
    election: dict[str, Any] = field(default_factory=dict)
    #: Capabilities an enabled plugin must provide: ``geocode``, ``seat_at``.
    needs: tuple[str, ...] = ()
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The ``[events]`` table: ``types`` adds event types.
    events: dict[str, Any] = field(default_factory=dict)
    #: The ``[theme]`` table: colours, fonts and logo laid over the theme's.
    style: dict[str, str] = field(default_factory=dict)

    @property
    def templates_dir(self) -> Path:
        """The kit's template overrides folder (may not exist)."""
        return self.path / "templates"

    @property
    def static_dir(self) -> Path:
        """The kit's static files folder (may not exist)."""
        return self.path / "static"

    @property
    def data_dir(self) -> Path:
        """The kit's data folder (seats, results, ...)."""
        return self.path / "data"


def available_kits() -> dict[str, tuple[Path, str]]:
    """Map every installed kit name to its folder and origin ("builtin" or a distribution)."""
    kits: dict[str, tuple[Path, str]] = {}
    for folder in sorted(BUILTIN_KITS_DIR.iterdir()):
        if (folder / KIT_FILE).is_file():
            kits[folder.name] = (folder, "builtin")
    for entry in entry_points(group="campaignkit.kits"):
        try:
            module = importlib.import_module(entry.value)
        except Exception as exc:  # noqa: BLE001 - reported, not fatal for listing
            raise ConfigError(f"kit '{entry.name}' cannot be imported: {exc}") from exc
        origin = entry.dist.name if entry.dist else "entry point"
        kits.setdefault(entry.name, (Path(module.__file__).resolve().parent, origin))
    return kits


def _resolve_kit_folder(ref: str, base_dir: Path, where: str | None) -> Path:
    prefix = f"{where}: " if where else ""
    if is_path_ref(ref):
        folder = (base_dir / ref).resolve()
        if not (folder / KIT_FILE).is_file():
            raise ConfigError(f"{prefix}kit folder '{ref}' has no {KIT_FILE} (looked in {folder})")
        return folder
    kits = available_kits()
    if ref not in kits:
        known = ", ".join(sorted(kits)) or "none"
        raise ConfigError(f"{prefix}unknown kit '{ref}' (installed kits: {known})")
    return kits[ref][0]


def load_kit(ref: str, base_dir: Path | None = None, where: str | None = None) -> Kit:
    """Load a kit by name or by a folder path relative to ``base_dir`` (default: current folder).

    ``where`` names the file the reference comes from, for error messages.
    """
    folder = _resolve_kit_folder(ref, base_dir or Path.cwd(), where)
    location = str(folder / KIT_FILE)
    try:
        parsed = _KitFile.model_validate(read_toml(folder / KIT_FILE))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, location)) from None
    info = parsed.kit
    style = read_kit_theme(parsed.theme, folder, location)
    return Kit(
        name=info.name,
        title=info.title,
        description=info.description,
        path=folder,
        theme=info.theme,
        plugins=tuple(info.plugins),
        election=parsed.election,
        needs=tuple(info.needs),
        settings=parsed.settings,
        events=parsed.events.model_dump(),
        style=style,
    )


def fork_kit(ref: str, target: Path, new_name: str | None = None) -> Kit:
    """Copy a kit to ``target`` so a group can edit it; returns the copy.

    Refuses to overwrite an existing folder. The copy's ``kit.toml`` gets the
    new name (the folder name by default), comments kept. The fork appears
    whole or not at all.
    """
    source = load_kit(ref)
    target = Path(target).expanduser().resolve()
    if target.exists():
        raise ConfigError(f"{target} already exists; choose a new folder for the fork")
    staging = target.with_name(f".{target.name}.forking")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source.path, staging, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (staging / "__init__.py").unlink(missing_ok=True)
        document = tomlkit.parse((staging / KIT_FILE).read_text(encoding="utf-8"))
        document["kit"]["name"] = new_name or target.name
        document["kit"]["title"] = f"{source.title} (fork)"
        (staging / KIT_FILE).write_text(tomlkit.dumps(document), encoding="utf-8")
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ConfigError(f"cannot fork kit '{ref}' to {target}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return load_kit(str(target))
