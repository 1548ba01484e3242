"""``kit fork --package``: the fork builds as a wheel that installs the kit under its own name
through the ``campaignkit.kits`` entry-point group, data, templates and static files included."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.core.kits import available_kits, load_kit


def _fork(*args: str):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(main, ["kit", "fork", *args])


def test_a_packaged_fork_builds_installs_and_loads_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = tmp_path / "riverside-kit"
    made = _fork("uk", str(source), "--package")
    assert made.exit_code == 0, made.output
    assert 'kit = "riverside-kit"' in made.output
    (source / "riverside_kit" / "templates").mkdir()
    (source / "riverside_kit" / "templates" / "home.html").write_text("<p>ours</p>", "utf-8")
    subprocess.run(  # noqa: S603 - pip with fixed arguments
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("riverside_kit-0.1.0-*.whl")
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:  # what pip install does with a wheel
        archive.extractall(site)
    monkeypatch.syspath_prepend(str(site))
    folder, origin = available_kits()["riverside-kit"]
    assert origin == "riverside-kit" and folder == site / "riverside_kit"
    kit = load_kit("riverside-kit")
    assert kit.name == "riverside-kit" and kit.title == "UK Westminster (fork)"
    assert (kit.data_dir / "seats.csv").is_file()
    assert (kit.templates_dir / "home.html").read_text("utf-8") == "<p>ours</p>"


def test_a_package_needs_a_name_pip_accepts(tmp_path: Path):
    refused = _fork("uk", str(tmp_path / "Riverside Kit!"), "--package")
    assert refused.exit_code != 0 and "lower-case letters, digits and hyphens" in refused.output
    assert not (tmp_path / "Riverside Kit!").exists()
