"""schemathesis against a live server: every operation of /api/v1/openapi.json with all of
schemathesis's checks (no server errors, answers that keep to the schema, bad input refused,
405 for methods an operation has not got), on SQLite and PostgreSQL.

schemathesis runs as its command line does (``st run --checks all``): its pytest loader
(``from_fixture``) does not work under pytest 9, and the command line also runs the
coverage phase (boundary values of every parameter) that the pytest loader leaves out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import campaignkit
from campaignkit.core import SeatRef

#: Positive data may also be refused with a 400: the contract cannot say everything a query
#: must mean (a postcode that exists, a "to" date after "from", an event type the group
#: uses), and the 400 names what is wrong, in the shared error shape.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "404"]
"""
MAX_EXAMPLES = 25


class SeatsInBritain:
    """Test seats: every position in a box round Great Britain is in one seat."""

    @campaignkit.hookimpl(tryfirst=True)
    def campaignkit_seat_at(self, lat, lon):  # noqa: ANN001, ANN201
        return SeatRef("E14001063", "Aldershot") if 49 <= lat <= 61 and -9 <= lon <= 2 else None


@pytest.fixture
def ck_app(ck_make_app, ck_geocoder):  # noqa: ANN001, ANN201
    """The app with three known postcodes and seats across Great Britain."""
    return ck_make_app(extra_plugins=[("geocoder", ck_geocoder), ("seats", SeatsInBritain())])


def _st() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is not installed (the test extra)"
    return [found]


@pytest.mark.slow
def test_api_keeps_its_contract(live_server, ck_make_event, tmp_path):  # noqa: ANN001
    ck_make_event(title="Door knocking")
    ck_make_event(title="Social", type="social", capacity=5, lat=51.4545, lon=-2.5879)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        *_st(),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{live_server}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "2",
        "--request-timeout",
        "10",
    ]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-8000:] + ran.stderr[-2000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", ran.stdout)
    assert cases and cases[1] == cases[2] and int(cases[1]) > 100, ran.stdout[-4000:]
    assert "3 selected / 3 total" in ran.stdout, ran.stdout[-4000:]
