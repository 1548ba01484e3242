"""Templates and static files resolve through one ordered list:
instance ``theme/`` > kit > theme (and the themes it extends) > plugins in enable order > core.

Every layer here is a real folder: a forked kit, theme folders named by path
in ``campaign.toml``, and plugin packages written to a temporary folder and
imported. Pages are fetched through the Flask test client. Resolution never
touches the database, so most tests use a plain SQLite folder (``site``);
those that use the ``instance`` fixture also run on PostgreSQL.
"""

from __future__ import annotations

import difflib
import importlib
import tomllib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomlkit
from builtin_kits import UK_PLUGINS
from flask import Flask

from campaignkit.core.app import create_app
from campaignkit.core.config import ConfigError
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance
from campaignkit.core.kits import fork_kit
from campaignkit.core.themes import BUILTIN_THEMES_DIR, CORE_DIR

THEME_TOML = """\
[theme]
name = "{name}"
title = "{name}"
extends = "{extends}"

[colours]
{colours}
"""


def set_campaign(folder: Path, **values: str) -> None:
    """Set keys of ``[campaign]`` in the instance's campaign.toml."""
    path = folder / "campaign.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for key, value in values.items():
        document["campaign"][key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def write(path: Path, text: str) -> Path:
    """Write a file, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_theme(folder: Path, name: str, extends: str, **colours: str) -> Path:
    """A theme folder with its theme.toml."""
    lines = "\n".join(f'{key} = "{value}"' for key, value in colours.items())
    write(folder / "theme.toml", THEME_TOML.format(name=name, extends=extends, colours=lines))
    return folder


def builtin_colours(name: str) -> dict[str, str]:
    """A built-in theme's colours from its theme.toml."""
    with (BUILTIN_THEMES_DIR / name / "theme.toml").open("rb") as handle:
        return tomllib.load(handle)["colours"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An instance folder for pages that need no database (SQLite, never migrated)."""
    return init_instance(tmp_path / "site", name="Test campaign")


@pytest.fixture
def build() -> Iterator[Callable[..., Flask]]:
    """Build apps for a folder (no migrations); their engines are closed afterwards."""
    built: list[Flask] = []

    def make(folder: Path, extra_plugins: Iterable[tuple[str, Any]] = ()) -> Flask:
        app = create_app(folder, environ={}, extra_plugins=extra_plugins, testing=True)
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["campaignkit"].database.dispose()


@dataclass
class Layers:
    """Where each layer keeps its ``home.html`` and ``probe.txt``, most specific first."""

    site: Path
    folders: dict[str, Path]  # layer name -> folder holding templates/ and static/
    plugins: list[tuple[str, ModuleType]]


@pytest.fixture
def layers(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layers:
    """An instance where every layer has its own ``home.html`` and ``static/probe.txt``."""
    kit = fork_kit("uk", tmp_path / "kit-fork")
    themes = tmp_path / "themes"
    write_theme(themes / "parent", "parent", "rose", text="#101010")
    write_theme(themes / "child", "child", "../parent", primary="#202020")
    set_campaign(site, kit=str(kit.path), theme=str(themes / "child"))
    packages = tmp_path / "packages"
    plugins = []
    for label in ("one", "two"):
        module_name = f"ck_tpl_{label}_{uuid.uuid4().hex[:8]}"
        write(packages / module_name / "__init__.py", f'"""Template test plugin {label}."""\n')
        plugins.append((f"tpl_{label}", module_name))
    monkeypatch.syspath_prepend(str(packages))
    folders = {
        "instance": site / "theme",
        "kit": kit.path,
        "child": themes / "child",
        "parent": themes / "parent",
        "tpl_one": packages / plugins[0][1],
        "tpl_two": packages / plugins[1][1],
    }
    for layer, folder in folders.items():
        write(folder / "templates" / "home.html", f"LAYER={layer}")
        write(folder / "static" / "probe.txt", f"STATIC={layer}")
    imported = [(name, importlib.import_module(module)) for name, module in plugins]
    return Layers(site, folders, imported)


# ---------------------------------------------------------------- resolution order


def test_the_search_path_is_in_the_documented_order(layers: Layers, build):
    app = build(layers.site, layers.plugins)
    prefixes = [prefix for prefix, _ in app.extensions["campaignkit"].instance.search_path.folders]
    assert prefixes == [
        "instance",
        "kit",
        "child",
        "parent",
        "rose",
        *UK_PLUGINS,
        "tpl_one",
        "tpl_two",
        "core",
    ]


def test_templates_and_static_files_resolve_layer_by_layer(layers: Layers, build):
    for layer, folder in layers.folders.items():
        client = build(layers.site, layers.plugins).test_client()
        assert client.get("/").get_data(as_text=True) == f"LAYER={layer}"
        assert client.get("/static/probe.txt").get_data(as_text=True) == f"STATIC={layer}"
        (folder / "templates" / "home.html").unlink()
        (folder / "static" / "probe.txt").unlink()
    client = build(layers.site, layers.plugins).test_client()
    assert 'class="home-grid"' in client.get("/").get_data(as_text=True)  # core's home page
    assert client.get("/static/probe.txt").status_code == 404


def test_plugins_resolve_in_enable_order(layers: Layers, build):
    for layer in ("instance", "kit", "child", "parent"):
        (layers.folders[layer] / "templates" / "home.html").unlink()
    one, two = layers.plugins
    assert build(layers.site, [one, two]).test_client().get("/").data == b"LAYER=tpl_one"
    assert build(layers.site, [two, one]).test_client().get("/").data == b"LAYER=tpl_two"


def test_every_layer_is_reachable_by_prefix(layers: Layers, build):
    app = build(layers.site, layers.plugins)
    with app.test_request_context("/"):
        for layer in layers.folders:
            assert app.jinja_env.get_template(f"{layer}:home.html").render() == f"LAYER={layer}"
        assert (
            "{% block content %}"
            in app.jinja_env.loader.get_source(app.jinja_env, "core:home.html")[0]
        )


def test_the_instance_overrides_core_static_files(site: Path, build):
    core_css = (CORE_DIR / "static" / "core" / "base.css").read_text(encoding="utf-8")
    client = build(site).test_client()
    assert client.get("/static/core/base.css").get_data(as_text=True) == core_css
    write(site / "theme" / "static" / "core" / "base.css", "body { color: hotpink; }")
    client = build(site).test_client()
    assert client.get("/static/core/base.css").data == b"body { color: hotpink; }"


# ---------------------------------------------------------------- overriding base.html


def test_a_base_override_extending_core_changes_only_its_block(instance: Path, make_app):
    before = make_app().test_client().get("/").get_data(as_text=True)
    write(
        instance / "theme" / "templates" / "base.html",
        '{% extends "core:base.html" %}\n'
        "{% block title %}Custom title for {{ site.name }}{% endblock %}\n",
    )
    response = make_app().test_client().get("/")
    after = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Custom title for Test campaign</title>" in after
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        next("-" + line for line in before.splitlines() if "<title>" in line),
        next("+" + line for line in after.splitlines() if "<title>" in line),
    ]


def test_an_override_can_call_super_on_the_template_it_replaces(site: Path, build):
    write(
        site / "theme" / "templates" / "home.html",
        '{% extends "core:home.html" %}\n'
        '{% block content %}{{ super() }}<p id="added">Added by the instance</p>{% endblock %}\n',
    )
    page = build(site).test_client().get("/").get_data(as_text=True)
    assert '<p id="added">Added by the instance</p>' in page
    assert 'class="home-grid"' in page  # core's own content is still there


# ---------------------------------------------------------------- themes


def test_rose_and_ink_render_clearly_different_css(instance: Path, make_app):
    pages = {}
    for theme in ("rose", "ink"):
        set_campaign(instance, theme=theme)
        client = make_app().test_client()
        page = client.get("/").get_data(as_text=True)
        variables = client.get("/theme.css").get_data(as_text=True)
        colours = builtin_colours(theme)
        assert f"--ck-primary: {colours['primary']};" in variables
        assert f"--ck-background: {colours['background']};" in variables
        assert f'href="/static/themes/{theme}.css"' in page
        stylesheet = client.get(f"/static/themes/{theme}.css")
        assert stylesheet.status_code == 200
        assert stylesheet.mimetype == "text/css"
        pages[theme] = (variables, stylesheet.get_data(as_text=True), page)
    assert pages["rose"][0] != pages["ink"][0]
    assert pages["rose"][1] != pages["ink"][1]
    assert "themes/ink.css" not in pages["rose"][2]
    assert "themes/rose.css" not in pages["ink"][2]


def test_a_theme_that_extends_another_inherits_its_colours_and_stylesheet(site: Path, build):
    theme = write_theme(site / "my-theme", "my-theme", "ink", primary="#ff00aa")
    write(theme / "static" / "themes" / "my-theme.css", ".hero { outline: 1px solid; }")
    set_campaign(site, theme="./my-theme")  # relative to the instance folder
    client = build(site).test_client()
    variables = client.get("/theme.css").get_data(as_text=True)
    ink = builtin_colours("ink")
    assert "--ck-primary: #ff00aa;" in variables
    assert f"--ck-background: {ink['background']};" in variables
    assert f"--ck-surface: {ink['surface']};" in variables
    page = client.get("/").get_data(as_text=True)
    assert page.index("/static/themes/ink.css") < page.index("/static/themes/my-theme.css")
    assert client.get("/static/themes/my-theme.css").data == b".hero { outline: 1px solid; }"


def test_instance_custom_css_comes_last(site: Path, build):
    write(site / "theme" / "static" / "custom.css", "h1 { color: green; }")
    client = build(site).test_client()
    page = client.get("/").get_data(as_text=True)
    assert page.index("/static/themes/rose.css") < page.index("/static/custom.css")
    assert client.get("/static/custom.css").data == b"h1 { color: green; }"


# ---------------------------------------------------------------- escaping and traversal


def test_the_campaign_name_is_escaped(instance: Path, make_app):
    set_campaign(instance, name="<script>alert(1)</script> & friends")
    response = make_app().test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in page
    # No script but "use my location" (a static file of the marginals plugin) on the page.
    assert (
        page.lower().replace('<script src="/seats/static/marginals/locate.js"', "").count("<script")
        == 0
    )


TRAVERSALS = [
    "/static/../campaign.toml",
    "/static/../../campaign.toml",
    "/static/%2e%2e/%2e%2e/campaign.toml",
    "/static/%2E%2E%2F%2E%2E%2Fcampaign.toml",
    "/static/..%2f..%2fcampaign.toml",
    "/static/core/../../../campaign.toml",
    "/static/..%5c..%5ccampaign.toml",
    "/static/%252e%252e/%252e%252e/campaign.toml",
    "/static//etc/passwd",
    "/static/" + "%2e%2e/" * 12 + "etc/passwd",
]


def test_static_path_traversal_is_not_found(instance: Path, make_app):
    secret = tomllib.loads((instance / "campaign.toml").read_text(encoding="utf-8"))["campaign"]
    client = make_app().test_client()
    for url in TRAVERSALS:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 404, url
        body = response.get_data(as_text=True)
        assert secret["secret_key"] not in body, url
        assert "root:" not in body, url


def test_find_static_refuses_names_that_leave_the_folder(site: Path, build):
    search_path = build(site).extensions["campaignkit"].instance.search_path
    assert search_path.find_static("core/base.css") == CORE_DIR / "static"
    for name in ("../campaign.toml", "../../campaign.toml", "/etc/passwd", "core/../../x"):
        assert search_path.find_static(name) is None, name


@pytest.mark.parametrize("name", ["core", "kit", "instance", "share"])
def test_a_theme_may_not_take_a_name_the_search_path_uses(site: Path, name: str):
    write_theme(site / "clash", name, "rose")
    write(site / "clash" / "templates" / "base.html", f'{{% extends "{name}:base.html" %}}')
    set_campaign(site, theme="./clash")
    with pytest.raises(ConfigError, match=f"the name '{name}' is used by both"):
        load_instance(site, environ={})


def test_an_override_can_reorder_the_home_page_blocks(site: Path, build):
    write(
        site / "theme" / "templates" / "home.html",
        '{% extends "core:home.html" %}\n'
        "{% block home_order %}{{ self.home_columns() }}{{ self.home_hero() }}{% endblock %}\n",
    )
    page = build(site).test_client().get("/").get_data(as_text=True)
    assert 0 < page.index('class="home-grid"') < page.index('class="hero"')
