"""Make campaignkit/kits/uk/data/demo_events.csv: sample places for the demo's events.

Picks postcode districts spread over Great Britain (one in every few, in
each constituency at most one) from the shared ONS/OS district table and
adds each seat's region from the constituency table. Run from the
repository root with the shared data folder beside it::

    python scripts/make_demo_events.py ../shared/data/uk
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "campaignkit/kits/uk/data/demo_events.csv"


def main(data: Path) -> None:
    """Write the sample file from the district and constituency tables in ``data``."""
    with (data / "constituencies_2024.csv").open(newline="", encoding="utf-8") as handle:
        regions = {row["pcon24cd"]: row["region_name"] for row in csv.DictReader(handle)}
    seen: set[str] = set()
    rows = []
    with (data / "postcode_districts_gb.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            seat = row["pcon24cd"]
            if seat in seen or seat not in regions or int(row["n_postcodes"]) < 200:
                continue
            seen.add(seat)
            rows.append(
                [row["district"], row["lat"], row["lon"], seat, row["pcon24nm"], regions[seat]]
            )
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["district", "lat", "lon", "seat_code", "seat_name", "region"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} places to {OUT.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/uk"))
