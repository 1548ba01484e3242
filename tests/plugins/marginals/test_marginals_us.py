"""The marginals plugin on US House districts: MEDSL and simple results files, results by hand,
ranking before and after results, the tile map."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaignkit.core import db_session
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.marginality import imported_results, seats_marginality
from campaignkit.plugins.marginals.models import ImportedResult

US = pytest.mark.parametrize(("campaignkit_kit", "campaignkit_plugins"), [("us", None)])
SAMPLE = Path(__file__).with_name("us_house_medsl_sample.csv")


def _saved(app) -> dict:  # noqa: ANN001
    with app.test_request_context():
        return imported_results(db_session())


@US
def test_medsl_file_sums_fused_parties_and_modes_and_takes_the_runoff(cli, app):
    result = cli("marginals", "import-results", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "Imported results for 5 seats" in result.output
    saved = _saved(app)
    assert sorted(saved) == ["AK-00", "DC-00", "GA-02", "NY-04", "NY-12"]  # no special, no 2022
    ny12 = saved["NY-12"]  # Democrat + Working Families; Republican + Conservative; a write-in
    assert (ny12.winner, ny12.second, ny12.majority) == ("dem", "rep", 152_000)
    assert ny12.votes == {"dem": 200_000, "rep": 48_000, "other": 500}
    assert ny12.valid_votes == 250_000
    alaska = saved["AK-00"]  # at large, votes spread over two modes
    assert alaska.votes == {"rep": 140_000, "dem": 130_000, "alaskan-independence": 5_000}
    assert saved["GA-02"].valid_votes == 215_000 and saved["GA-02"].majority == 5_000  # runoff
    with app.test_request_context():
        margins = seats_marginality()
        assert (margins["NY-04"].held, margins["NY-04"].votes) == (False, 10_001)
        assert margins["NY-04"].band == "very marginal"
        assert margins["GA-02"].held and margins["GA-02"].band == "very marginal"
        assert margins["DC-00"].held and margins["DC-00"].band == "safe"


def _bad(tmp_path: Path, extra: str, replace: tuple[str, str] | None = None) -> Path:
    text = SAMPLE.read_text("utf-8")
    if replace:
        text = text.replace(*replace)
    path = tmp_path / f"bad{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text + extra, "utf-8")
    return path


@US
def test_a_bad_medsl_file_names_the_line_and_saves_nothing(cli, app, tmp_path):
    assert cli("marginals", "import-results", str(SAMPLE)).exit_code == 0
    before = _saved(app)
    row = SAMPLE.read_text("utf-8").splitlines()[1]
    cases = {
        "line 26: there is no district 'NY-27'": _bad(
            tmp_path, row.replace('"012"', '"027"') + "\n"
        ),
        "line 26: JERROLD NADLER (DEMOCRAT, TOTAL) in NY-12 is listed twice (first on line 2)": (
            _bad(tmp_path, row + "\n")
        ),
        "of its totalvotes 250,000 (more than 100%)": _bad(
            tmp_path, "", ('"JERROLD NADLER","DEMOCRAT",FALSE,"TOTAL",180000',
                           '"JERROLD NADLER","DEMOCRAT",FALSE,"TOTAL",280000')
        ),
        "line 2: candidatevotes 'many' is not a whole number": _bad(
            tmp_path, "", (',"TOTAL",180000,', ',"TOTAL",many,')
        ),
    }  # fmt: skip
    for message, path in cases.items():
        result = cli("marginals", "import-results", str(path))
        assert result.exit_code != 0 and message in result.output, (message, result.output)
        assert _saved(app) == before


@US
def test_simple_results_file_with_votes_or_percentages(cli, app, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("district,party,votes\nNY-04,dem,1000\nny4,rep,1200\nAK-00,dem,48.5%\n"
                    "AK-00,rep,51.5%\n", "utf-8")  # fmt: skip
    result = cli("marginals", "import-results", str(path))
    assert result.exit_code == 0, result.output
    saved = _saved(app)
    assert saved["NY-04"].votes == {"dem": 1000, "rep": 1200} and saved["NY-04"].majority == 200
    assert (saved["AK-00"].valid_votes, saved["AK-00"].votes["rep"]) == (10_000, 5_150)
    for text, message in [
        ("district,party,votes\nNY-04,dem,1000\nZZ-01,rep,5\n", "line 3: there is no district"),
        ("district,party,votes\nNY-04,dem,101%\n", "line 2: 101% is not a percentage from 0"),
        ("district,party,votes\nNY-04,dem,60%\nNY-04,rep,50%\n", "add up to more than 100%"),
        ("district,party,votes\nNY-04,dem,5\nNY-04,DEM,6\n", "line 3: dem is listed twice"),
        ("district,party,votes\nNY-04,dem,99999999999\n", "is more than any district casts"),
    ]:
        path.write_text(text, "utf-8")
        result = cli("marginals", "import-results", str(path))
        assert result.exit_code != 0 and message in result.output, result.output
        assert _saved(app) == saved


@US
def test_before_results_districts_rank_by_distance_and_the_pages_say_so(client, app):
    page = client.get("/seats?postcode=10022").get_data(as_text=True)
    assert "No election results have been entered yet" in page
    assert "Every event near ZIP 10022" in page and "Your ZIP code" in page
    assert "New York&#39;s 12th" in page and "Your seat" in page and "miles away" in page
    assert " km away" not in page
    seat = client.get("/seats/NY-12").get_data(as_text=True)
    assert "No election results have been entered for this seat yet" in seat
    assert "Enter the result" not in seat  # organisers only
    assert "/host/events/new?postcode=100" in seat and "seat=NY-12" in seat  # a ZIP in NY-12
    nearest = client.get("/api/v1/marginals/nearest?postcode=10022&limit=3").get_json()
    assert nearest["query"]["precision"] == "zip" and nearest["seats"][0]["code"] == "NY-12"


@US
def test_organiser_enters_and_corrects_a_result_by_hand(client, app, make_user, login, csrf_token):
    login(client, make_user("volunteer@example.org", "volunteer"))
    form = {"votes": "dem, 1000\nrep, 1100", "csrf_token": csrf_token(client)}
    assert client.post("/seats/NY-04/result", data=form).status_code == 403
    client.post("/signout", data={"csrf_token": csrf_token(client)})
    login(client, make_user("organiser@example.org", "organiser"))
    form["csrf_token"] = csrf_token(client)
    assert client.post("/seats/NY-04/result", data=form).status_code == 302
    page = client.get("/seats/NY-04").get_data(as_text=True)
    assert (
        "The Democratic candidate needs 101 more votes to win here" in page
        and "Correct the result" in page
    )
    form["votes"] = "dem, 1000\nrep, 120%"
    client.post("/seats/NY-04/result", data=form)
    page = client.get("/seats/NY-04").get_data(as_text=True)
    assert "Not saved: line 2: 120% is not a percentage from 0 to 100" in page
    assert "The Democratic candidate needs 101 more votes to win here" in page
    assert client.post("/seats/XX-99/result", data=form).status_code == 404
    with app.test_request_context():
        assert db_session().scalar(select(func.count()).select_from(ImportedResult)) == 1


@US
def test_tile_map_has_one_square_per_district_and_a_table(client, app):
    page = client.get("/seats/map").get_data(as_text=True)
    assert page.count("<rect x=") == 437 and "<polygon" not in page
    assert "grouped by state" in page and ">CA</text>" in page
    assert (
        "Every seat, by state</h2>" in page
        and "<a " not in page.split("<svg", 1)[1].split("</svg>")[0]
    )
    assert "New York&#39;s 12th" in page
    with app.test_request_context():
        assert len(tables().seats) == 437
