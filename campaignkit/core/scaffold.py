"""``campaignkit plugin new``: write an installable plugin package from a template."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from string import Template

from campaignkit import __version__
from campaignkit.core.config import ConfigError

TEMPLATE_DIR = Path(__file__).resolve().parent / "plugin_template"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _values(name: str) -> dict[str, str]:
    return {
        "name": name,
        "package": f"campaignkit_{name}",
        "dist_name": name.replace("_", "-"),
        "slug": name.replace("_", "-"),
        "title": name.replace("_", " ").capitalize(),
        "campaignkit_version": __version__,
    }


def _destination(relative: Path, values: dict[str, str]) -> Path:
    parts = [values["package"] if p == "package" else p for p in relative.parts]
    parts = [p.replace("NAME", values["name"]) for p in parts]
    return Path(*parts)


def scaffold_plugin(raw_name: str, directory: Path | None = None) -> Path:
    """Create the plugin package folder and return it; refuses to overwrite anything."""
    name = raw_name.strip().lower().replace("-", "_")
    if not NAME_PATTERN.match(name):
        raise ConfigError(
            f"'{raw_name}' is not a usable plugin name: use 2-40 lower-case letters, "
            "digits and underscores, starting with a letter"
        )
    values = _values(name)
    target = Path(directory or f"campaignkit-{values['dist_name']}").resolve()
    if target.exists():
        raise ConfigError(f"{target} already exists; choose another folder")
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for source in sorted(TEMPLATE_DIR.rglob("*")):
            if source.is_dir() or "__pycache__" in source.parts:
                continue
            destination = staging / _destination(source.relative_to(TEMPLATE_DIR), values)
            destination.parent.mkdir(parents=True, exist_ok=True)
            text = Template(source.read_text(encoding="utf-8")).safe_substitute(values)
            destination.write_text(text, encoding="utf-8")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
