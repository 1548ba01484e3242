"""A kit's own look: the ``[theme]`` table of ``kit.toml``, and the checks a fork needs.

A group that forks a kit sets its colours, fonts and logo there, with no CSS::

    [theme]
    primary = "#1d6b3a"        # header and buttons
    on_primary = "#ffffff"     # text on primary
    font = "Atkinson Hyperlegible, system-ui, sans-serif"
    logo = "logo.png"          # a file in the kit's static/ folder

They are laid over the theme's colours and fonts. A key that is not a theme
variable is refused naming the nearest one; a colour that is not ``#rgb`` or
``#rrggbb`` is refused naming the key. ``campaignkit check`` then measures the
contrast of every text colour on the colour behind it (WCAG 2 AA, 4.5:1) and
names each pair that falls short, and checks that every template the kit
overrides replaces one that exists and that its ``extends``/``include`` names
are found.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, meta

from campaignkit.core.config import ConfigError

COLOUR_KEYS = ("primary", "on_primary", "background", "surface", "text", "muted", "accent")
#: kit.toml ``[theme]`` font keys and the CSS custom property each one sets.
FONT_KEYS = {"font": "--ck-font-body", "heading_font": "--ck-font-heading"}
THEME_KEYS = (*COLOUR_KEYS, *FONT_KEYS, "logo")
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
#: (text colour, the colour behind it): each pair must reach MIN_CONTRAST.
CONTRAST_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("muted", "surface"),
    ("on_primary", "primary"),
)
MIN_CONTRAST = 4.5
FONT_TEXT = re.compile(r"[\w\s,\"'-]+")


def _nearest(key: str, choices: tuple[str, ...]) -> str:
    found = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
    return f"; did you mean '{found[0]}'?" if found else f" (known: {', '.join(choices)})"


def read_kit_theme(table: dict[str, Any], kit_dir: Path, where: str) -> dict[str, str]:
    """The checked ``[theme]`` table of a kit; ConfigError naming the key (and nearest name)."""
    values: dict[str, str] = {}
    for key, value in table.items():
        if key not in THEME_KEYS:
            raise ConfigError(
                f"{where} [theme]: '{key}' is not a theme variable{_nearest(key, THEME_KEYS)}"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} [theme] {key}: give a text value in quotes")
        value = value.strip()
        if key in COLOUR_KEYS and not HEX_COLOUR.fullmatch(value):
            raise ConfigError(f"{where} [theme] {key}: '{value}' is not a colour like \"#1d6b3a\"")
        if key in FONT_KEYS and not FONT_TEXT.fullmatch(value):
            raise ConfigError(f"{where} [theme] {key}: '{value}' is not a list of font names")
        if key == "logo" and not _logo_exists(kit_dir, value):
            raise ConfigError(f"{where} [theme] logo: there is no file static/{value} in {kit_dir}")
        values[key] = value
    return values


def _logo_exists(kit_dir: Path, name: str) -> bool:
    static = (kit_dir / "static").resolve()
    path = (static / name).resolve()
    return path.is_relative_to(static) and path.is_file()


def kit_css_variables(kit_theme: dict[str, str]) -> dict[str, str]:
    """The CSS custom properties a kit's ``[theme]`` sets (``--ck-primary``, ``--ck-font-body``)."""
    variables = {}
    for key, value in kit_theme.items():
        if key in COLOUR_KEYS:
            variables[f"--ck-{key.replace('_', '-')}"] = value
        elif key in FONT_KEYS:
            variables[FONT_KEYS[key]] = value
    return variables


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def contrast_problems(colours: dict[str, str]) -> list[str]:
    """One sentence for each text/background pair below 4.5:1 (pairs not both set: skipped)."""
    problems = []
    for fore, back in CONTRAST_PAIRS:
        if fore in colours and back in colours and HEX_COLOUR.fullmatch(colours[fore] or ""):
            ratio = contrast_ratio(colours[fore], colours[back])
            if ratio < MIN_CONTRAST:
                problems.append(
                    f"theme colours: {fore} {colours[fore]} on {back} {colours[back]} has a "
                    f"contrast of {ratio:.2f}:1, below {MIN_CONTRAST}:1; pick a darker or "
                    "lighter colour in kit.toml [theme]"
                )
    return problems


def kit_template_problems(kit_dir: Path, env: Environment) -> list[str]:
    """Templates of the kit that replace nothing, or name a template that is not found."""
    folder = kit_dir / "templates"
    if not folder.is_dir():
        return []
    known = set(env.list_templates())
    others = sorted(name for name in known if ":" not in name)
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if f"core:{name}" not in known and not _overrides_plugin_or_theme(name, known):
            problems.append(
                f"kit template templates/{name} replaces no template"
                f"{_nearest(name, tuple(n for n in others if n != name))}"
            )
        try:
            parsed = env.parse(path.read_text(encoding="utf-8"))
        except (TemplateSyntaxError, UnicodeDecodeError):
            continue  # the compile check names the line
        for wanted in meta.find_referenced_templates(parsed):
            if wanted is not None and wanted not in known:
                problems.append(
                    f"kit template templates/{name} uses '{wanted}', which does not exist"
                    f"{_nearest(wanted, tuple(sorted(known)))}"
                )
    return problems


def _overrides_plugin_or_theme(name: str, known: set[str]) -> bool:
    """Whether some folder other than the instance and kit has a template of this name."""
    return any(
        entry.endswith(f":{name}") and not entry.startswith(("kit:", "instance:"))
        for entry in known
    )
