"""Themes and the one ordered list that templates and static files resolve through.

Order, first match wins: the instance's ``theme/`` folder > the kit > the
theme and the themes it extends > plugins in enable order > core. The same
folders are also reachable by prefix (``core:base.html``, ``kit:base.html``,
``<theme name>:base.html``, ``<plugin>:<plugin>/page.html``) so an override can extend
the very template it replaces.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader
from pydantic import BaseModel, ConfigDict, ValidationError

from campaignkit.core.config import ConfigError, describe_validation_error, read_toml

BUILTIN_THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"
CORE_DIR = Path(__file__).resolve().parent
THEME_FILE = "theme.toml"


class _Colours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary: str | None = None
    on_primary: str | None = None
    background: str | None = None
    surface: str | None = None
    text: str | None = None
    muted: str | None = None
    accent: str | None = None


class _Fonts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str | None = None
    heading: str | None = None


class _ThemeInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    description: str = ""
    extends: str | None = None


class _ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: _ThemeInfo
    colours: _Colours = _Colours()
    fonts: _Fonts = _Fonts()


@dataclass(frozen=True)
class Theme:
    """A loaded theme: its folder, colours and fonts."""

    name: str
    title: str
    description: str
    path: Path
    extends: str | None
    colours: dict[str, str]
    fonts: dict[str, str]


def available_themes() -> dict[str, Path]:
    """Map every installed theme name to its folder (built-ins and ``campaignkit.themes``)."""
    themes = {
        folder.name: folder
        for folder in sorted(BUILTIN_THEMES_DIR.iterdir())
        if (folder / THEME_FILE).is_file()
    }
    for entry in entry_points(group="campaignkit.themes"):
        module = importlib.import_module(entry.value)
        themes.setdefault(entry.name, Path(module.__file__).resolve().parent)
    return themes


def load_theme(name: str) -> Theme:
    """Load one theme by name (not the themes it extends)."""
    themes = available_themes()
    if name not in themes:
        known = ", ".join(sorted(themes))
        raise ConfigError(f"unknown theme '{name}' (installed themes: {known})")
    folder = themes[name]
    try:
        parsed = _ThemeFile.model_validate(read_toml(folder / THEME_FILE))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, str(folder / THEME_FILE))) from None
    return Theme(
        name=name,
        title=parsed.theme.title,
        description=parsed.theme.description,
        path=folder,
        extends=parsed.theme.extends,
        colours=parsed.colours.model_dump(exclude_none=True),
        fonts=parsed.fonts.model_dump(exclude_none=True),
    )


def load_theme_chain(name: str) -> list[Theme]:
    """Load a theme and every theme it extends, the most specific first."""
    chain: list[Theme] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None:
        if current in seen:
            raise ConfigError(f"theme '{name}' extends itself through '{current}'")
        seen.add(current)
        theme = load_theme(current)
        chain.append(theme)
        current = theme.extends
    return chain


def theme_variables(chain: list[Theme]) -> dict[str, str]:
    """Merge colours and fonts along the chain into CSS custom properties."""
    variables: dict[str, str] = {}
    for theme in reversed(chain):
        for key, value in theme.colours.items():
            variables[f"--ck-{key.replace('_', '-')}"] = value
        for key, value in theme.fonts.items():
            variables[f"--ck-font-{key}"] = value
    return variables


@dataclass(frozen=True)
class SearchPath:
    """The ordered folders for one instance, each with the prefix that names it."""

    folders: tuple[tuple[str, Path], ...]

    def template_dirs(self) -> list[tuple[str, Path]]:
        """(prefix, templates folder) in resolution order, existing ones only."""
        return [(p, f / "templates") for p, f in self.folders if (f / "templates").is_dir()]

    def static_dirs(self) -> list[Path]:
        """Static folders in resolution order, existing ones only."""
        return [f / "static" for _, f in self.folders if (f / "static").is_dir()]

    def loader(self) -> BaseLoader:
        """A Jinja loader: first match in order, or an explicit ``prefix:`` name."""
        ordered = self.template_dirs()
        by_prefix: dict[str, list[str]] = {}
        for prefix, folder in ordered:
            by_prefix.setdefault(prefix, []).append(str(folder))
        prefixed = PrefixLoader(
            {prefix: FileSystemLoader(dirs) for prefix, dirs in by_prefix.items()}, delimiter=":"
        )
        return ChoiceLoader([FileSystemLoader([str(f) for _, f in ordered]), prefixed])

    def find_static(self, filename: str) -> Path | None:
        """The first static folder holding ``filename`` (already a safe relative path)."""
        for folder in self.static_dirs():
            if (folder / filename).is_file():
                return folder
        return None


def build_search_path(
    instance_dir: Path, kit_dir: Path, theme_chain: list[Theme], plugin_dirs: list[tuple[str, Path]]
) -> SearchPath:
    """Put the folders in resolution order: instance > kit > themes > plugins > core."""
    folders: list[tuple[str, Path]] = [("instance", instance_dir / "theme"), ("kit", kit_dir)]
    folders += [(theme.name, theme.path) for theme in theme_chain]
    folders += plugin_dirs
    folders.append(("core", CORE_DIR))
    return SearchPath(tuple(folders))
