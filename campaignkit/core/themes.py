"""Themes and the one ordered list that templates and static files resolve through.

Order, first match wins: the instance's ``theme/`` folder > the kit > the
theme and the themes it extends > plugins in enable order > core. The same
folders are also reachable by prefix (``core:base.html``, ``kit:base.html``,
``<theme name>:base.html``, ``<plugin>:<plugin>/page.html``) so an override can extend
the very template it replaces.

A theme is named by its installed name (built-in or entry-point group
``campaignkit.themes``) or, like a kit, by a folder path holding
``theme.toml`` (``theme = "./my-theme"`` in ``campaign.toml``), relative to
the file that names it. A theme's ``extends`` may be a name or a path relative
to the theme's own folder.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader
from pydantic import BaseModel, ConfigDict, ValidationError
from werkzeug.security import safe_join

from campaignkit.core.config import (
    ConfigError,
    describe_validation_error,
    is_path_ref,
    read_toml,
)

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
        try:
            module = importlib.import_module(entry.value)
        except Exception as exc:  # noqa: BLE001 - reported as a configuration problem
            raise ConfigError(
                f"theme '{entry.name}' ({entry.value}) cannot be imported: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        themes.setdefault(entry.name, Path(module.__file__).resolve().parent)
    return themes


def _theme_folder(ref: str, base_dir: Path | None, where: str | None) -> Path:
    prefix = f"{where}: " if where else ""
    if is_path_ref(ref):
        folder = ((base_dir or Path.cwd()) / ref).resolve()
        if not (folder / THEME_FILE).is_file():
            raise ConfigError(
                f"{prefix}theme folder '{ref}' has no {THEME_FILE} (looked in {folder})"
            )
        return folder
    themes = available_themes()
    if ref not in themes:
        known = ", ".join(sorted(themes))
        raise ConfigError(f"{prefix}unknown theme '{ref}' (installed themes: {known})")
    return themes[ref]


def load_theme(ref: str, base_dir: Path | None = None, where: str | None = None) -> Theme:
    """Load one theme by name or folder path (not the themes it extends).

    A path is taken relative to ``base_dir`` (default: the current folder);
    ``where`` names the file the reference comes from, for error messages.
    """
    folder = _theme_folder(ref, base_dir, where)
    try:
        parsed = _ThemeFile.model_validate(read_toml(folder / THEME_FILE))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, str(folder / THEME_FILE))) from None
    return Theme(
        name=parsed.theme.name if is_path_ref(ref) else ref,
        title=parsed.theme.title,
        description=parsed.theme.description,
        path=folder,
        extends=parsed.theme.extends,
        colours=parsed.colours.model_dump(exclude_none=True),
        fonts=parsed.fonts.model_dump(exclude_none=True),
    )


def load_theme_chain(
    ref: str, base_dir: Path | None = None, where: str | None = None
) -> list[Theme]:
    """Load a theme and every theme it extends, the most specific first.

    Raises ConfigError when a theme is unknown or the chain comes back to a
    theme already in it.
    """
    chain: list[Theme] = []
    seen: set[Path] = set()
    current: str | None = ref
    while current is not None:
        theme = load_theme(current, base_dir, where)
        if theme.path in seen:
            names = " -> ".join([t.name for t in chain] + [theme.name])
            raise ConfigError(f"theme '{chain[0].name}' extends itself: {names}")
        seen.add(theme.path)
        chain.append(theme)
        current, base_dir = theme.extends, theme.path
        where = str(theme.path / THEME_FILE)
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
        """The first static folder holding ``filename``; None if none does or it is unsafe.

        A name that would leave the folder (``..``, an absolute path) is never found,
        nor one the file system cannot even look up (a part longer than it allows).
        """
        for folder in self.static_dirs():
            joined = safe_join(str(folder), filename)
            try:
                if joined is not None and Path(joined).is_file():
                    return folder
            except OSError:
                return None
        return None


def build_search_path(
    instance_dir: Path, kit_dir: Path, theme_chain: list[Theme], plugin_dirs: list[tuple[str, Path]]
) -> SearchPath:
    """Put the folders in resolution order: instance > kit > themes > plugins > core.

    Each folder's prefix must be unique, or ``<prefix>:name`` would be
    ambiguous (and an override extending it could extend itself): a theme
    may not be called ``instance``, ``kit``, ``core`` or like an enabled plugin.
    """
    folders: list[tuple[str, Path]] = [("instance", instance_dir / "theme"), ("kit", kit_dir)]
    folders += [(theme.name, theme.path) for theme in theme_chain]
    folders += plugin_dirs
    folders.append(("core", CORE_DIR))
    seen: dict[str, Path] = {}
    for prefix, folder in folders:
        if prefix in seen:
            raise ConfigError(
                f"the name '{prefix}' is used by both {seen[prefix]} and {folder}; "
                "rename the theme (its [theme] name) so templates can be told apart"
            )
        seen[prefix] = folder
    return SearchPath(tuple(folders))
