"""A forked kit's own look: ``[theme]`` colours, fonts and logo in kit.toml, and what
``campaignkit check`` says about a fork's mistakes (contrast, typos, missing templates)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import tomlkit
from PIL import Image

from campaignkit.core.config import ConfigError
from campaignkit.core.kit_theme import contrast_ratio
from campaignkit.core.kits import fork_kit, load_kit
from campaignkit.testing import edit_config


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (29, 107, 58)).save(out, "PNG")
    return out.getvalue()


def set_kit_theme(fork: Path, **values: str) -> None:
    """Write ``values`` as the fork's ``[theme]`` table."""
    path = fork / "kit.toml"
    document = tomlkit.parse(path.read_text("utf-8"))
    table = tomlkit.table()
    for key, value in values.items():
        table[key] = value
    document["theme"] = table
    path.write_text(tomlkit.dumps(document), "utf-8")


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """A fork of the UK kit."""
    return fork_kit("uk", tmp_path / "riverside-kit").path


@pytest.fixture
def forked_instance(instance: Path, fork: Path, cli) -> Path:  # noqa: ANN001
    """The test instance on the fork, its database upgraded."""
    edit_config(instance, campaign={"kit": str(fork)})
    assert cli("db", "upgrade").exit_code == 0
    return instance


def test_contrast_ratio_is_wcags():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#fff", "#ffffff") == 1.0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"primay": "#123456"},
            "[theme]: 'primay' is not a theme variable; did you mean 'primary'?",
        ),
        ({"fnot": "Arial"}, "did you mean 'font'?"),
        ({"primary": "red"}, "[theme] primary: 'red' is not a colour like \"#1d6b3a\""),
        ({"font": "Arial; } body { display: none"}, "is not a list of font names"),
        ({"logo": "logo.png"}, "[theme] logo: there is no file static/logo.png"),
        ({"logo": "../kit.toml"}, "[theme] logo: there is no file static/../kit.toml"),
    ],
)
def test_a_bad_theme_variable_is_refused_naming_the_key(fork: Path, values: dict, message: str):
    set_kit_theme(fork, **values)
    with pytest.raises(ConfigError) as caught:
        load_kit(str(fork))
    assert message in str(caught.value) and str(fork / "kit.toml") in str(caught.value)


def test_the_kits_colours_fonts_and_logo_reach_the_page(
    forked_instance: Path, fork: Path, make_app
):  # noqa: ANN001
    (fork / "static").mkdir(exist_ok=True)
    (fork / "static" / "logo.png").write_bytes(_png())
    set_kit_theme(fork, primary="#1d6b3a", font="Atkinson Hyperlegible, sans-serif",
                  logo="logo.png")  # fmt: skip
    client = make_app().test_client()
    css = client.get("/theme.css").text
    assert "--ck-primary: #1d6b3a;" in css and "--ck-on-primary: #ffffff;" in css  # rose's
    assert "--ck-font-body: Atkinson Hyperlegible, sans-serif;" in css
    assert '<img class="site-logo" src="/static/logo.png"' in client.get("/").text
    assert client.get("/static/logo.png").data == _png()


def test_check_refuses_too_little_contrast_naming_the_pair(forked_instance: Path, fork: Path, cli):  # noqa: ANN001
    set_kit_theme(fork, primary="#ff9999")
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "PROBLEM  theme colours: on_primary #ffffff on primary #ff9999 has a contrast of 2.05:1"
        in result.output
    )
    set_kit_theme(fork, primary="#1d6b3a")
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "theme colours have enough contrast" in result.output


def test_check_names_a_kit_template_that_uses_a_missing_one_or_replaces_none(
    forked_instance: Path,
    fork: Path,
    cli,  # noqa: ANN001
):
    templates = fork / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "home.html").write_text('{% extends "core:hom.html" %}', "utf-8")
    (templates / "bsae.html").write_text("<p>typo</p>", "utf-8")
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "PROBLEM  kit template templates/home.html uses 'core:hom.html', which does not exist; "
        "did you mean 'core:home.html'?" in result.output
    ), result.output
    assert "templates/bsae.html replaces no template; did you mean 'base.html'?" in result.output
