"""Fork and theme as a group would: fork each built-in kit, set its colour and logo in kit.toml,
change one template, and see the change in headless Chromium with the contrast check passing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from click.testing import CliRunner
from pagecheck import page_width
from PIL import Image

from campaignkit.cli import main
from campaignkit.core.checks import run_checks

pytestmark = pytest.mark.browser

PRIMARY = "#1d6b3a"  # white text on it: 6.4:1
PHONE_WIDTH = 390


def _fork(kit: str, target: Path) -> Path:
    """``campaignkit kit fork KIT TARGET``, then the group's edits: colour, logo, a template."""
    result = CliRunner().invoke(main, ["kit", "fork", kit, str(target)])
    assert result.exit_code == 0, result.output
    (target / "static").mkdir(exist_ok=True)
    picture = io.BytesIO()
    Image.new("RGB", (120, 60), (29, 107, 58)).save(picture, "PNG")
    (target / "static" / "logo.png").write_bytes(picture.getvalue())
    path = target / "kit.toml"
    document = tomlkit.parse(path.read_text("utf-8"))
    document["kit"]["description"] = "Riverside volunteers, out every weekend."
    theme = tomlkit.table()
    theme.update({"primary": PRIMARY, "on_primary": "#ffffff", "logo": "logo.png"})
    document["theme"] = theme
    path.write_text(tomlkit.dumps(document), "utf-8")
    (target / "templates").mkdir(exist_ok=True)
    (target / "templates" / "home.html").write_text(
        '{% extends "core:home.html" %}\n{% block content %}{{ super() }}\n'
        '<p id="riverside">Meet us at the boathouse on Saturdays.</p>\n{% endblock %}\n',
        "utf-8",
    )
    return target


@pytest.mark.parametrize("kit", ["uk", "us"])
def test_a_forked_kit_shows_its_colour_logo_and_template(
    kit: str, tmp_path: Path, make_site: Callable[..., tuple[Any, str]], phone: Any
) -> None:
    fork = _fork(kit, tmp_path / f"riverside-{kit}")
    app, url = make_site(kit=str(fork))
    findings = list(run_checks(Path(app.extensions["campaignkit"].instance.path)))
    assert [message for ok, message in findings if ok is False] == []
    assert (True, "theme colours have enough contrast (WCAG AA, 4.5:1)") in findings

    phone.goto(url + "/")
    assert "Meet us at the boathouse on Saturdays." in phone.locator("#riverside").inner_text()
    assert "Riverside volunteers, out every weekend." in phone.locator("main").inner_text()
    primary = phone.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--ck-primary').trim()"
    )
    assert primary == PRIMARY
    if kit == "uk":  # rose paints the header in the primary colour (ink keeps it dark)
        header = phone.locator("header.site-header")
        assert header.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(29, 107, 58)"
    logo = phone.locator("header img.site-logo")
    assert logo.evaluate("image => image.complete && image.naturalWidth") == 120
    assert page_width(phone) <= PHONE_WIDTH
