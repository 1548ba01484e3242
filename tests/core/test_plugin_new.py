"""``campaignkit plugin new``: the generated plugin installs, runs and passes its own tests.

The end-to-end test does what a plugin author does, with the real command line
and pip: scaffold, ``pip install -e``, list, enable, migrate, serve, request the
page, run the plugin's own tests. The plugin goes into a virtualenv of the
test's own, layered over the one running the tests (which it sees, and
leaves unchanged), so other tests may run meanwhile.
"""

from __future__ import annotations

import json
import shlex
import site
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.testing import free_port, isolated_environ

NAME = "hello_world"
DISTRIBUTION = "campaignkit-hello-world"


def clean_environment() -> dict[str, str]:
    """This process's environment without any instance settings."""
    return isolated_environ()


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command to completion; fail the test with its output if it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def get(url: str, deadline_s: float = 90.0) -> tuple[int, str]:
    """GET a URL, retrying while the server is still starting; returns (status, body)."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def author_virtualenv(folder: Path) -> Path:
    """A virtualenv over this one (its packages visible, itself untouched); returns its bin.

    It has no pip of its own (this one's is found through the layering) and a
    ``campaignkit`` command of its own, so the plugin installed into it is seen.
    """
    venv.EnvBuilder(with_pip=False).create(folder)
    bin_dir = folder / "bin"
    python = bin_dir / "python"
    own_site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    layered = "".join(
        f"import site; site.addsitedir({path!r})\n" for path in site.getsitepackages()
    )
    (Path(own_site.stdout.strip()) / "_layered_over_tests.pth").write_text(layered)
    command = bin_dir / "campaignkit"
    command.write_text(f"#!{python}\nfrom campaignkit.cli import main\n\nmain()\n")
    command.chmod(0o755)
    return bin_dir


def serve(command: Path, instance: Path, port: int) -> subprocess.Popen:
    """Start ``campaignkit run`` for the instance on a local port."""
    return subprocess.Popen(
        [str(command), "--instance", str(instance), "run", "--port", str(port)],
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_new_plugin_installs_runs_and_passes_its_own_tests(tmp_path: Path):
    setuptools = int(version("setuptools").split(".")[0])
    assert setuptools >= 77, (
        f"setuptools {version('setuptools')} cannot build the generated plugin (it declares "
        "an SPDX licence); install the test extras, which need setuptools>=77"
    )
    plugin_dir = tmp_path / "campaignkit-hello-world"
    instance = tmp_path / "my-campaign"
    author = author_virtualenv(tmp_path / "venv")
    python, campaignkit = author / "python", author / "campaignkit"

    created = run(campaignkit, "plugin", "new", NAME, plugin_dir)
    assert (plugin_dir / "pyproject.toml").is_file()
    assert (plugin_dir / "campaignkit_hello_world" / "__init__.py").is_file()
    # Follow the printed "Next:" lines as they are, in a fresh folder.
    install, init, enable, upgrade, test = [
        shlex.split(line, comments=True) for line in created.stdout.splitlines()[1:]
    ]

    assert install[:3] == ["pip", "install", "-e"]  # offline here: no index, no isolation
    run(python, "-m", *install, "--quiet", "--no-deps", "--no-build-isolation")
    assert "hello" not in run(sys.executable, "-m", "pip", "list").stdout  # this one untouched

    listed = json.loads(run(campaignkit, "plugins", "list", "--json", cwd=tmp_path).stdout)
    record = next(r for r in listed if r["name"] == NAME)
    assert record["origin"] == "entry point"
    assert record["distribution"] == DISTRIBUTION
    assert record["hooks"] == ["campaignkit_blueprints"]
    assert record["error"] is None

    assert [init[0], enable[0], upgrade[0]] == ["campaignkit"] * 3
    run(campaignkit, *init[1:], cwd=tmp_path)
    enabled = run(campaignkit, *enable[1:], cwd=tmp_path)
    assert f"Enabled '{NAME}'" in enabled.stdout
    upgraded = run(campaignkit, *upgrade[1:], cwd=tmp_path)
    assert "Database up to date" in upgraded.stdout

    port = free_port()
    server = serve(campaignkit, instance, port)
    try:
        status, body = get(f"http://127.0.0.1:{port}/hello-world/")
    finally:
        server.terminate()
        _, server_log = server.communicate(timeout=30)
    assert status == 200, server_log
    assert "<h1>Hello world</h1>" in body
    assert "Hello from the hello_world plugin, running for Our campaign." in body

    assert test[0] == "pytest"
    tested = run(python, "-m", *test, "-p", "no:cacheprovider", cwd=tmp_path)
    assert "1 passed" in tested.stdout


def test_an_invalid_name_is_refused_and_nothing_is_written(tmp_path: Path):
    target = tmp_path / "plugin"
    result = CliRunner().invoke(main, ["plugin", "new", "9 lives!", str(target)])
    assert result.exit_code == 1
    assert "'9 lives!' is not a usable plugin name" in result.output
    assert "lower-case letters, digits and underscores" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(tmp_path: Path):
    target = tmp_path / "plugin"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["plugin", "new", NAME, str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plugin"]
