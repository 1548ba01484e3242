"""The shipped UK tables: rebuilt exactly by the script, point-in-seat, marginality."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from marginals_samples import SAMPLE_AREAS, SHARED_UK, needs_raw_uk_data, shared_rows

from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import load_tables
from campaignkit.plugins.marginals.marginality import marginality

ROOT = Path(__file__).resolve().parents[3]
KIT_DATA = ROOT / "campaignkit" / "kits" / "uk" / "data"
SCRIPT = ROOT / "scripts" / "build_uk_kit_data.py"


@pytest.fixture(scope="module")
def uk():
    """The UK kit's tables."""
    return load_tables(KIT_DATA.resolve())


@needs_raw_uk_data
def test_script_rebuilds_the_shipped_tables_exactly(tmp_path):
    spec = importlib.util.spec_from_file_location("build_uk_kit_data", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = script.build(SHARED_UK, tmp_path)
    assert len(written) == 7 and written[-1].name == "manifest.json"
    for path in written:
        assert path.read_bytes() == (KIT_DATA / path.name).read_bytes(), path.name
    assert "Open Parliament Licence v3.0" in (KIT_DATA / "README.md").read_text("utf-8")


@needs_raw_uk_data
def test_script_refuses_results_that_do_not_add_up(tmp_path):
    """Party votes that do not add up to the valid votes stop the build; nothing is written."""
    spec = importlib.util.spec_from_file_location("build_uk_kit_data", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    for path in SHARED_UK.iterdir():
        (source / path.name).symlink_to(path)
    (source / "ge2024_results.csv").unlink()
    lines = (SHARED_UK / "ge2024_results.csv").read_text("utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    fields = lines[1].rstrip("\n").split(",")
    fields[header.index("votes_lab")] = str(int(fields[header.index("votes_lab")]) + 1)
    (source / "ge2024_results.csv").write_text(
        lines[0] + ",".join(fields) + "\n" + "".join(lines[2:])
    )
    with pytest.raises(script.InputMismatch, match="ge2024_results.csv line 2: party votes add up"):
        script.build(source, target)
    (source / "ge2024_results.csv").write_text("".join(lines[:-1]))
    with pytest.raises(script.InputMismatch, match="ge2024_results.csv has 649 rows, expected 650"):
        script.build(source, target)
    assert not target.exists()


def test_tables_cover_every_seat(uk):
    assert len(uk.seats) == len(uk.results) == len(uk.notional_2019) == 650
    assert len(uk.districts) == 2864 and len(uk.sectors) == 10847
    assert sum(seat.nation == "Northern Ireland" for seat in uk.seats.values()) == 18


@needs_raw_uk_data
def test_every_seat_inside_point_lies_in_that_seat(uk):
    rows = shared_rows("constituencies_2024.csv")
    lats = np.array([float(r["inside_lat"]) for r in rows])
    lons = np.array([float(r["inside_lon"]) for r in rows])
    found = seat_index(uk.boundaries_file).seats_of(lats, lons)
    assert [r["pcon24cd"] for r in rows] == list(found)


def test_sample_postcodes_lie_in_the_seat_of_their_whole_sector(uk, sample_rows):
    """Postcodes in sectors wholly inside one seat get that seat, in all three nations."""
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    index = seat_index(uk.boundaries_file)
    for area, nation in SAMPLE_AREAS.items():
        checked = 0
        for row in sample_rows[area]:
            fields = row.replace('"', "").split(",")
            sector = uk.sectors.get(fields[0][:-2].strip())
            if sector is None or sector.other_seats:
                continue
            lon, lat = to_wgs84.transform(float(fields[2]), float(fields[3]))
            assert index.seat_of(lat, lon) == sector.seat, fields[0]
            assert uk.seats[sector.seat].nation == nation
            checked += 1
        assert checked >= 20, area


def test_nowhere_near_a_seat(uk):
    index = seat_index(uk.boundaries_file)
    assert index.seat_of(0.0, 0.0) is None
    assert index.seat_of(48.85, 2.35) is None  # Paris


@needs_raw_uk_data
@pytest.mark.parametrize("name", ["Aldershot", "Aldridge-Brownhills", "Islington North", "Chorley"])
def test_marginality_matches_the_commons_library_figures(uk, name):
    row = next(r for r in shared_rows("ge2024_results.csv") if r["name"] == name)
    result = uk.results[row["pcon24cd"]]
    figures = marginality(result, "lab")
    valid = int(row["valid_votes"])
    if row["winner_party"] == "Lab":
        assert figures.held and figures.votes == int(row["majority"])
        assert figures.pct == pytest.approx(float(row["majority_pct"]), abs=0.01)
    else:
        votes = [int(row[k]) for k in row if k.startswith("votes_") and k != "votes_other"]
        winner = max(votes + [int(row["votes_other_winner"])])
        assert not figures.held
        assert figures.votes == winner - int(row["votes_lab"]) + 1
        assert figures.pct == pytest.approx(100 * figures.votes / valid, abs=0.01)


def test_marginality_bands(uk):
    aldershot = next(code for code, seat in uk.seats.items() if seat.name == "Aldershot")
    held = marginality(uk.results[aldershot], "lab", very_marginal_pct=5, marginal_pct=12)
    assert (held.held, held.votes, held.band) == (True, 5683, "marginal")
    assert marginality(uk.results[aldershot], "lab", 5, 10).band == "safe"
    lost = marginality(uk.results[aldershot], "con", 5, 10)
    assert (lost.held, lost.votes, lost.band) == (False, 5684, "long shot")
