"""Reading postcode files as they are distributed, streaming, in batches.

Two formats are understood:

- Ordnance Survey Code-Point Open: the zip as distributed, or its unzipped
  folder. Each ``Data/CSV/<area>.csv`` has no header; columns are postcode,
  positional quality, eastings, northings (OSGB36, EPSG:27700), ...
- The ONS Postcode Directory (ONSPD) CSV: a header naming ``pcds`` (or
  ``pcd``), ``lat`` and ``long``; terminated postcodes (``doterm`` set) are left out.

Only one batch of rows is held at a time, whatever the file's size.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BATCH_ROWS = 50_000
#: How many refused rows a batch keeps as examples to show the person importing.
BAD_EXAMPLES = 5
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}")
#: ONSPD's placeholder latitude for postcodes with no grid reference.
ONSPD_NO_POSITION = 99.999999


class SourceError(ValueError):
    """The file is not a postcode file this importer understands."""


@dataclass
class Batch:
    """Rows read so far: postcodes with x/y (eastings/northings, or lon/lat), and rows refused."""

    grid: bool  # True: x, y are OSGB36 eastings/northings; False: WGS84 lon/lat
    postcodes: list[str] = field(default_factory=list)
    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    bad: int = 0
    skipped: int = 0
    bytes_read: int = 0
    #: The first few refused rows: ("file line N", the row's text).
    bad_examples: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, where: str, row: list[str] | dict[str, str]) -> None:
        """Count a row that cannot be used, keeping the first few to show."""
        self.bad += 1
        if len(self.bad_examples) < BAD_EXAMPLES:
            cells = row.values() if isinstance(row, dict) else row
            text = ",".join(str(cell) for cell in cells if cell is not None)
            self.bad_examples.append((where, text[:120]))


def clean_postcode(text: str) -> str | None:
    """``"B1  1AY"`` -> ``"B1 1AY"``; None when it is not a full postcode."""
    compact = text.replace(" ", "").upper()
    if not _POSTCODE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def _codepoint_members(path: Path) -> Iterator[tuple[str, int, object]]:
    """(name, size, opener) for each data CSV of a Code-Point Open zip or folder."""
    if path.is_dir():
        files = sorted(path.rglob("*.csv"))
        files = [f for f in files if "Doc" not in f.parts]
        for file in files:
            yield file.name, file.stat().st_size, lambda f=file: f.open("rb")
        return
    with zipfile.ZipFile(path) as archive:
        members = [
            m
            for m in archive.infolist()
            if m.filename.endswith(".csv") and "/Data/CSV/" in f"/{m.filename}"
        ]
        for member in members:
            yield member.filename, member.file_size, lambda m=member: archive.open(m)


def read_codepoint(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """Batches of Code-Point Open rows; rows without a position (0, 0) are counted as bad."""
    batch = Batch(grid=True)
    found = False
    for name, size, opener in _codepoint_members(path):
        found = True
        with opener() as raw:  # type: ignore[operator]
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            for row in reader:
                try:
                    postcode = clean_postcode(row[0])
                    east, north = float(row[2]), float(row[3])
                except (IndexError, ValueError):
                    postcode = None
                if postcode is None or (east == 0 and north == 0):
                    batch.refuse(f"{Path(name).name} line {reader.line_num}", row)
                    continue
                batch.postcodes.append(postcode)
                batch.x.append(east)
                batch.y.append(north)
                if len(batch.postcodes) >= batch_rows:
                    yield batch
                    batch = Batch(grid=True)
        batch.bytes_read += size
    if not found:
        raise SourceError(f"{path.name}: no Code-Point Open Data/CSV/*.csv files in it")
    yield batch


def read_onspd(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """Batches of ONS Postcode Directory rows (current postcodes only)."""
    with path.open("rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        columns = set(reader.fieldnames or ())
        key = "pcds" if "pcds" in columns else "pcd"
        if key not in columns or not {"lat", "long"} <= columns:
            raise SourceError(f"{path.name}: not an ONS Postcode Directory CSV (pcds, lat, long)")
        batch, done = Batch(grid=False), 0
        for row in reader:
            if row.get("doterm"):
                batch.skipped += 1
                continue
            try:
                postcode = clean_postcode(row[key])
                lat, lon = float(row["lat"]), float(row["long"])
            except (TypeError, ValueError):
                postcode = None
            if postcode is None or lat == ONSPD_NO_POSITION or (lat == 0 and lon == 0):
                batch.refuse(f"{path.name} line {reader.line_num}", row)
                continue
            batch.postcodes.append(postcode)
            batch.x.append(lon)
            batch.y.append(lat)
            if len(batch.postcodes) >= batch_rows:
                position = raw.tell()
                batch.bytes_read, done = position - done, position
                yield batch
                batch = Batch(grid=False)
        batch.bytes_read = path.stat().st_size - done
        yield batch


def total_bytes(path: Path) -> int:
    """The size of the data to read (uncompressed CSV bytes), for a progress bar."""
    if path.is_file() and not zipfile.is_zipfile(path):
        return path.stat().st_size
    return sum(size for _name, size, _opener in _codepoint_members(path))


def read_postcodes(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[Batch]:
    """Batches from a Code-Point Open zip or folder, or an ONSPD CSV, chosen by what it is."""
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    if path.is_dir() or zipfile.is_zipfile(path):
        return read_codepoint(path, batch_rows)
    return read_onspd(path, batch_rows)
