"""The fuzzer itself: it must see a 5xx and a refused request that stores a row.

A test-only plugin adds two routes with exactly those faults; the fuzzer is run
over them as over any route, and must report both with the input that caused them.
"""

from __future__ import annotations

import sys
import types
import uuid
from collections import Counter
from pathlib import Path

from flask import Blueprint, abort, current_app, request
from fuzz_runner import RouteFuzzer
from fuzz_site import build_site
from sqlalchemy import text

from campaignkit import hookimpl

faulty = Blueprint("faulty", __name__, url_prefix="/faulty")


@faulty.get("/<int:number>")
def crashes_on_unicode_digits(number: int):  # noqa: ANN201
    """A 500 for "²" in ``limit``, as ``int()`` after ``isdigit()`` gives."""
    limit = request.args.get("limit", "1")
    return str(number * (int(limit) if limit.isdigit() else 1))


@faulty.post("/note")
def stores_then_refuses():  # noqa: ANN201
    """Store the note, then answer 400 when it is long: a refusal that changed something."""
    note = request.form.get("note", "")
    with current_app.extensions["campaignkit"].database.write() as session:
        session.execute(
            text("INSERT INTO ck_event_settings (key, value) VALUES (:key, :value)"),
            {"key": f"note-{uuid.uuid4().hex[:12]}", "value": note[:100]},
        )
    if len(note) > 1000:
        abort(400)
    return "saved"


@hookimpl
def campaignkit_blueprints():  # noqa: ANN201
    """The faulty routes."""
    return [faulty]


PLUGIN = types.ModuleType("fuzz_faulty_routes")
PLUGIN.campaignkit_blueprints = campaignkit_blueprints
sys.modules.setdefault(PLUGIN.__name__, PLUGIN)


def test_the_fuzzer_reports_a_5xx_and_a_refusal_that_stored(tmp_path: Path) -> None:
    """Both faults are reported, each with the request that shows it."""
    site = build_site(tmp_path / "instance", "sqlite", None, ((PLUGIN.__name__, PLUGIN),))
    try:
        rules = {r.rule: r for r in site.app.url_map.iter_rules()}
        reports = {}
        for path in ("/faulty/<int:number>", "/faulty/note"):
            fuzzer = RouteFuzzer(site, rules[path], {"note": "hello"}, Counter())
            fuzzer.probe()
            fuzzer.sweep()
            fuzzer.close()
            reports[path] = fuzzer.failures.report()
    finally:
        site.app.extensions["campaignkit"].database.dispose()
    assert "500 ValueError" in reports["/faulty/<int:number>"]
    assert "query: limit='²'" in reports["/faulty/<int:number>"]
    assert "refused (status 400) but stored {'ck_event_settings': 1}" in reports["/faulty/note"]
    assert "note='x'*1000000" in reports["/faulty/note"]
