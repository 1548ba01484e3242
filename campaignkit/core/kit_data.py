"""What data a kit ships: its tables, how many rows each has, from when and where from.

Build scripts write a ``manifest.json`` beside the tables (``kit``,
``built_by``, ``data_as_of``, ``sources``: name, licence, as of; ``files``:
name -> rows). ``data_status`` reads it and checks each table is still there
with the rows it was built with, so a table edited by hand shows up.
"""

from __future__ import annotations

import json
from pathlib import Path

from campaignkit.core.kits import Kit

MANIFEST = "manifest.json"


def _rows(path: Path) -> int | None:
    if not path.is_file():
        return None
    text = path.read_text("utf-8")
    if path.suffix == ".csv":
        return max(0, text.count("\n") - 1)
    return text.count('"type":"Feature"') if path.suffix == ".geojson" else None


def data_status(kit: Kit) -> list[str]:
    """Lines saying which data the kit ships, from when and where from, and any table changed."""
    folder = kit.data_dir
    manifest_file = folder / MANIFEST
    if not folder.is_dir():
        return [f"{kit.name}: ships no data."]
    if not manifest_file.is_file():
        files = sorted(p.name for p in folder.iterdir() if p.is_file())
        return [
            f"{kit.name}: {len(files)} data files ({', '.join(files)}); no {MANIFEST}, "
            "so where they came from is only in the folder's README.md."
        ]
    try:
        manifest = json.loads(manifest_file.read_text("utf-8"))
        files, sources = dict(manifest["files"]), list(manifest["sources"])
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{kit.name}: {MANIFEST} cannot be read ({exc})."]
    lines = [
        f"{kit.name}: data as of {manifest.get('data_as_of', 'an unknown date')}, "
        f"built by {manifest.get('built_by', 'an unknown script')}"
    ]
    for name, facts in sorted(files.items()):
        expected, found = facts.get("rows"), _rows(folder / name)
        if found is None and not (folder / name).is_file():
            state = "MISSING"
        elif expected is not None and found is not None and found != expected:
            state = f"{found:,} rows, but built with {expected:,}: changed since the build"
        else:
            state = f"{expected:,} rows" if expected is not None else "present"
        lines.append(f"  {name}: {state}")
    others = sorted(
        p.name for p in folder.iterdir()
        if p.is_file() and p.name not in files and p.name not in (MANIFEST, "README.md")
    )  # fmt: skip
    if others:
        lines.append(f"  also (not from the build, see README.md): {', '.join(others)}")
    for source in sources:
        lines.append(
            f"  source: {source.get('name', '?')} ({source.get('as_of', '?')}; "
            f"{source.get('licence', 'licence not given')})"
        )
    return lines


def data_is_intact(kit: Kit) -> bool:
    """True when every table the kit's manifest lists is present with its built row count."""
    return not any("MISSING" in line or "changed since" in line for line in data_status(kit))
