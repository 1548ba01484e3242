"""The plugin a tutorial reader writes: from ``campaignkit plugin new``, in under 40 lines.

Starting from the scaffold (which already adds a page), the plugin adds a nav
item, a share target, a settings schema, a job and a listener for event
changes, and its own tests check each with the fixtures docs/plugins.md
documents. The plugin's tests run in a fresh pytest process, with the
plugin found through its entry point as an installed one is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.testing import isolated_environ

PLUGIN_CODE = """
from pydantic import BaseModel
from campaignkit.core import NavItem, ShareTarget, job

class Settings(BaseModel):
    goal: int = 100

COUNT, CHANGES = [], []

@hookimpl
def campaignkit_settings_schema():
    return Settings

@hookimpl
def campaignkit_nav_items(user):
    return [NavItem("Doors", "/doorknock/")]

@hookimpl
def campaignkit_share_targets(url, text):
    return [ShareTarget("sms", "Text it", f"sms:?body={url}")]

@hookimpl
def campaignkit_jobs(huey):
    @job(huey, title="Count doors")
    def count(progress, doors):
        progress.update(doors, total=doors)
    COUNT[:] = [count]

@hookimpl
def campaignkit_event_changed(event, change):
    CHANGES.append((event.title, change))
"""

TEST_CODE = """
from flask import render_template_string
from campaignkit.core import plugin_settings
from campaignkit_doorknock import CHANGES, COUNT

def test_everything(ck_app, ck_client, ck_immediate_jobs, ck_make_event):
    assert 'href="/doorknock/"' in ck_client.get("/doorknock/").get_data(as_text=True)
    with ck_app.test_request_context():
        assert plugin_settings("doorknock").goal == 100
        shared = render_template_string("{{ share_targets('https://x.org', 'Hi')[0].href }}")
        assert shared == "sms:?body=https://x.org"
        job_id = COUNT[0].enqueue(12)
    assert ck_client.get(f"/jobs/{job_id}.json").get_json()["done"] == 12
    ck_make_event(title="Canvass")
    assert ("Canvass", "approved") in CHANGES
"""


def own_lines(code: str) -> int:
    """Lines of code, leaving out blank ones."""
    return sum(1 for line in code.splitlines() if line.strip())


@pytest.mark.slow
def test_the_tutorial_plugin_does_everything_in_under_40_lines(tmp_path: Path):
    assert own_lines(PLUGIN_CODE) + own_lines(TEST_CODE) < 40
    plugin = tmp_path / "campaignkit-doorknock"
    created = CliRunner().invoke(main, ["plugin", "new", "doorknock", str(plugin)])
    assert created.exit_code == 0, created.output
    with (plugin / "campaignkit_doorknock" / "__init__.py").open("a") as module:
        module.write(PLUGIN_CODE)
    with (plugin / "tests" / "test_doorknock.py").open("a") as tests:
        tests.write(TEST_CODE)
    # What pip install -e would record: the entry point that makes campaignkit find it.
    dist = tmp_path / "site" / "campaignkit_doorknock-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: campaignkit-doorknock\n")
    (dist / "entry_points.txt").write_text("[campaignkit]\ndoorknock = campaignkit_doorknock\n")
    environ = {
        **isolated_environ(),
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(plugin)]),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugin)]
    ran = subprocess.run(
        command, cwd=plugin, env=environ, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout
