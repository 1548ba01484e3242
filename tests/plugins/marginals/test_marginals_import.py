"""Importing postcodes and results: counts, seats, atomic replacement, the commands."""

from __future__ import annotations

import zipfile

import pytest
from marginals_samples import (
    SAMPLE_AREAS,
    SHARED_UK,
    needs_raw_uk_data,
    postcodes_of,
    shared_rows,
    write_codepoint_zip,
)
from sqlalchemy import func, select

from campaignkit.core import db_session, geocode, write_session
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.importers import import_postcodes
from campaignkit.plugins.marginals.marginality import (
    current_results,
    imported_results,
    seats_marginality,
)
from campaignkit.plugins.marginals.models import ImportRecord, PostcodePoint


def run_import(app, path):
    """Import a postcode file into the app's database in one write transaction."""
    with app.app_context(), write_session() as session:
        return import_postcodes(session, path, seat_index(tables().boundaries_file))


def stored(app) -> dict[str, str | None]:
    """Imported postcode -> seat."""
    with app.test_request_context():
        return dict(db_session().execute(select(PostcodePoint.postcode, PostcodePoint.seat)).all())


def test_import_counts_bad_rows_and_gives_every_postcode_a_seat(cli, app, sample_zip, sample_rows):
    result = cli("marginals", "import-postcodes", str(sample_zip))
    assert result.exit_code == 0, result.output
    total = sum(len(rows) for rows in sample_rows.values())
    assert f"Imported {total} postcodes" in result.output
    assert "3 bad rows skipped" in result.output and "0 outside every seat" in result.output
    seats = stored(app)
    assert set(seats) == {pc for rows in sample_rows.values() for pc in postcodes_of(rows)}
    nations = {area: {tables_nation(app, seats[pc]) for pc in postcodes_of(rows)}
               for area, rows in sample_rows.items()}  # fmt: skip
    assert nations == {area: {nation} for area, nation in SAMPLE_AREAS.items()}
    with app.test_request_context():
        record = db_session().get(ImportRecord, "postcodes")
        assert (record.rows, record.bad_rows, record.source) == (total, 3, "codepo_gb.zip")


def tables_nation(app, code: str) -> str:
    """The nation of a seat code."""
    with app.app_context():
        return tables().seats[code].nation


def test_reimport_replaces_and_a_failing_one_changes_nothing(app, tmp_path, sample_rows):
    first = {"bs": sample_rows["bs"][:40]}
    run_import(app, write_codepoint_zip(tmp_path / "first.zip", first))
    second = {"eh": sample_rows["eh"][:30]}
    summary = run_import(app, write_codepoint_zip(tmp_path / "second.zip", second))
    assert summary.rows == 30 and set(stored(app)) == set(postcodes_of(second["eh"]))

    # A broken file: a member that is not text (the failure comes after the old rows went).
    broken = write_codepoint_zip(tmp_path / "broken.zip", {"cf": sample_rows["cf"][:20]})
    with zipfile.ZipFile(broken, "a") as archive:
        archive.writestr("codepo_gb/Data/CSV/zz.csv", b"\xff\xfe not text\n")
    with pytest.raises(UnicodeDecodeError):
        run_import(app, broken)
    assert set(stored(app)) == set(postcodes_of(second["eh"]))
    with app.test_request_context():
        assert db_session().get(ImportRecord, "postcodes").rows == 30


def test_a_repeated_postcode_is_counted_and_the_first_kept(cli, app, tmp_path, sample_rows):
    first = sample_rows["cf"][0]
    moved = first.split(",")
    moved[2], moved[3] = "318000", "176000"  # the same postcode, somewhere else
    repeated = {"cf": sample_rows["cf"][:20], "cg": [",".join(moved)]}
    result = cli(
        "marginals", "import-postcodes", str(write_codepoint_zip(tmp_path / "r.zip", repeated))
    )
    assert result.exit_code == 0, result.output
    assert "Imported 20 postcodes" in result.output
    assert "1 repeated postcodes skipped (the first kept)" in result.output
    assert "Traceback" not in result.output
    assert set(stored(app)) == set(postcodes_of(sample_rows["cf"][:20]))
    with app.test_request_context():
        assert db_session().get(ImportRecord, "postcodes").bad_rows == 1


def test_a_file_of_bad_rows_fails_showing_them_and_changes_nothing(cli, app, tmp_path, sample_rows):
    good = write_codepoint_zip(tmp_path / "good.zip", {"bs": sample_rows["bs"][:10]})
    assert cli("marginals", "import-postcodes", str(good)).exit_code == 0
    rows = ['"BS1 1AA",10,0,0', '"NOT A CODE",10,318000,176000', "truncated"] * 3
    bad = write_codepoint_zip(tmp_path / "bad.zip", {"bs": rows})
    result = cli("marginals", "import-postcodes", str(bad))
    assert result.exit_code == 1
    assert "None of the 9 rows of bad.zip is a postcode with a position" in result.output
    assert "bs.csv line 2: not a postcode with a position: NOT A CODE,10,318000,176000" in (
        result.output
    )
    assert result.output.count("not a postcode with a position:") == 5
    assert set(stored(app)) == set(postcodes_of(sample_rows["bs"][:10]))


def test_import_postcodes_refuses_a_file_it_does_not_understand(cli, app, tmp_path):
    empty = write_codepoint_zip(tmp_path / "empty.zip", {})
    result = cli("marginals", "import-postcodes", str(empty))
    assert result.exit_code == 1 and "no Code-Point Open" in result.output
    text = tmp_path / "x.csv"
    text.write_text("a,b\n1,2\n")
    result = cli("marginals", "import-postcodes", str(text))
    assert result.exit_code == 1 and "not an ONS Postcode Directory" in result.output


def test_onspd_csv(app, tmp_path):
    onspd = tmp_path / "ONSPD.csv"
    onspd.write_text(
        "pcd,pcds,doterm,lat,long\n"
        '"BS1 5TE","BS1 5TE","",51.452,-2.595\n'
        '"BS1 9ZZ","BS1 9ZZ","201001",51.452,-2.595\n'
        '"BS9 9ZZ","BS9 9ZZ","",99.999999,0.000000\n'
        '"BT7 1NN","BT7 1NN","",54.5843,-5.9348\n'
    )
    summary = run_import(app, onspd)
    assert (summary.rows, summary.bad_rows, summary.skipped) == (2, 1, 1)
    assert stored(app) == {"BS1 5TE": "E14001131", "BT7 1NN": "N05000003"}
    with app.test_request_context():  # a Northern Ireland postcode, once imported, is answered
        place = geocode("bt71nn")
        assert (place.precision, place.seat.name) == ("postcode", "Belfast South and Mid Down")


@needs_raw_uk_data
def test_import_results_replaces_the_kit_results(cli, app, tmp_path):
    source = (SHARED_UK / "ge2024_results.csv").read_text("utf-8").splitlines()
    header = source[0].replace("winner_party", "First party").replace("pcon24cd", "ONS ID")
    edited = source[1].split(",")
    edited[14 + 2] = "1"  # Aldershot: Labour's votes (votes_lab) cut to 1
    lines = [header, ",".join(edited), "E99999999" + source[2][9:], "garbage"]
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines) + "\n")
    result = cli("marginals", "import-results", str(path))
    assert result.exit_code == 0, result.output
    assert "results for 1 seats; 2 bad rows" in result.output
    with app.test_request_context():
        results = current_results(tables().results, db_session())
        assert results["E14001063"].votes["lab"] == 1
        assert results["E14001064"] == tables().results["E14001064"]
        count = db_session().scalar(select(func.count()).select_from(ImportRecord))
        assert count == 1


@needs_raw_uk_data
def test_seats_marginality_uses_the_kit_party_and_imported_results(cli, app, tmp_path):
    with app.test_request_context():
        seats = seats_marginality()
        assert len(seats) == 650 and seats["E14001063"].held  # Aldershot: Labour, 5,683
        assert (seats["E14001063"].votes, seats["E14001063"].band) == (5683, "safe")
        assert sum(m.held for m in seats.values()) == 411
    source = (SHARED_UK / "ge2024_results.csv").read_text("utf-8").splitlines()
    (tmp_path / "results.csv").write_text("\n".join(source[:2]) + "\n")
    assert cli("marginals", "import-results", str(tmp_path / "results.csv")).exit_code == 0
    with app.test_request_context():
        assert seats_marginality()["E14001063"] == seats["E14001063"]


#: The column names of the House of Commons Library's published results CSV.
PUBLISHED = {
    "pcon24cd": "ONS ID", "name": "Constituency name", "winner_party": "First party",
    "second_party": "Second party", "valid_votes": "Valid votes", "majority": "Majority",
    "votes_other": "All other candidates", "votes_other_winner": "Of which other winner",
}  # fmt: skip


@needs_raw_uk_data
def test_import_results_reads_the_published_library_file(cli, app, tmp_path):
    rows = shared_rows("ge2024_results.csv")
    header = [PUBLISHED.get(k, k.removeprefix("votes_").upper()) for k in rows[0]]
    lines = [",".join(f'"{name}"' for name in header)]
    lines += [",".join(f'"{value}"' for value in row.values()) for row in rows]
    path = tmp_path / "HoC-GE2024-results-by-constituency.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    result = cli("marginals", "import-results", str(path))
    assert result.exit_code == 0, result.output
    assert "results for 650 seats; 0 bad rows" in result.output
    with app.test_request_context():
        assert imported_results(db_session()) == tables().results
