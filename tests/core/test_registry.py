"""The plugin registry: installed is not enabled, enable order, loud start-up failures, and
shared pages that survive a broken plugin.

Test plugins are plain modules in ``tests/test_plugins/``. They are registered
either as already-imported objects (``make_app(extra_plugins=...)``) or, to
exercise the real entry-point path, through a small distribution written to
a temporary folder on ``sys.path`` (a ``*.dist-info`` with ``entry_points.txt``).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import pytest
import tomlkit
from builtin_kits import UK_PLUGINS

import campaignkit
from campaignkit.core.app import create_app
from campaignkit.core.config import ConfigError
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance
from campaignkit.core.kits import load_kit
from campaignkit.core.registry import (
    PluginError,
    build_manager,
    call_each,
    enabled_names,
    hooks_implemented,
    installed_plugins,
)

PLUGINS_DIR = Path(__file__).resolve().parent.parent / "test_plugins"


@pytest.fixture
def plugins_on_path(monkeypatch: pytest.MonkeyPatch):
    """Make the modules in tests/test_plugins importable; returns an importer."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    return importlib.import_module


@pytest.fixture
def entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins_on_path):
    """Install test plugins through the ``campaignkit`` entry-point group, as pip would."""

    def install(**plugins: str) -> None:
        site = tmp_path / "site-packages"
        dist = site / "ck_test_plugins-1.0.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: ck-test-plugins\nVersion: 1.0\n", encoding="utf-8"
        )
        lines = [f"{name} = {module}" for name, module in plugins.items()]
        (dist / "entry_points.txt").write_text(
            "[campaignkit]\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
        monkeypatch.syspath_prepend(str(site))

    return install


def set_plugins(folder: Path, names: list[str]) -> None:
    """Write the enable list into campaign.toml."""
    path = folder / "campaign.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["campaign"]["plugins"] = names
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An instance folder for tests that never touch the database."""
    return init_instance(tmp_path / "plain", name="Registry test")


# ---------------------------------------------------------------- installed is not enabled


def test_share_is_installed_as_a_builtin():
    share = installed_plugins()["share"]
    assert share.origin == "builtin"
    assert share.module == "campaignkit.plugins.share"
    assert share.version == campaignkit.__version__


def test_installed_is_not_enabled():
    manager = build_manager([])
    assert manager.get_plugin("share") is None
    assert manager.get_plugin("core") is not None
    assert enabled_names(manager) == []
    assert build_manager(["share"]).get_plugin("share") is not None


def test_a_disabled_plugin_contributes_nothing(instance: Path, make_app):
    set_plugins(instance, [])
    app = make_app()
    assert app.extensions["campaignkit"].instance.enabled == []
    assert "share" not in [
        prefix for prefix, _ in app.extensions["campaignkit"].instance.search_path.folders
    ]
    page = app.test_client().get("/").get_data(as_text=True)
    assert "share-box" not in page
    assert "Welcome" in page


def test_the_kit_list_is_used_unless_the_instance_has_its_own(instance: Path, make_app):
    page = make_app().test_client().get("/").get_data(as_text=True)
    assert "share-box" in page  # the uk kit enables share


def test_entry_point_plugins_are_installed_but_not_imported_until_enabled(entry_points, folder):
    entry_points(broken_import="broken_import", slot_alpha="slot_alpha")
    found = installed_plugins()
    assert found["slot_alpha"].origin == "entry point"
    assert found["slot_alpha"].version == "1.0"
    assert found["slot_alpha"].distribution == "ck-test-plugins"
    # broken_import is installed but not enabled: the instance still starts
    assert load_instance(folder, environ={}).enabled == UK_PLUGINS


# ---------------------------------------------------------------- enable order


def test_hooks_run_in_enable_order_for_extra_plugins(plugins_on_path):
    alpha, beta = plugins_on_path("slot_alpha"), plugins_on_path("slot_beta")
    for order in (["alpha", "beta"], ["beta", "alpha"]):
        modules = {"alpha": alpha, "beta": beta}
        manager = build_manager([], extra=[(name, modules[name]) for name in order])
        results = call_each(manager, "campaignkit_template_slots", slot="home_main", context={})
        assert [plugin for plugin, _ in results] == order
        assert enabled_names(manager) == order


@pytest.mark.parametrize(
    "order", [["slot_beta", "share", "slot_alpha"], ["slot_alpha", "slot_beta"]]
)
def test_hooks_run_in_the_order_campaign_toml_enables_them(
    instance: Path, make_app, entry_points, order: list[str]
):
    entry_points(slot_alpha="slot_alpha", slot_beta="slot_beta")
    set_plugins(instance, order)
    app = make_app()
    assert app.extensions["campaignkit"].instance.enabled == order
    page = app.test_client().get("/").get_data(as_text=True)
    markers = [name for name in order if name.startswith("slot_")]
    positions = [page.index(f"[{name.removeprefix('slot_')}]") for name in markers]
    assert positions == sorted(positions)
    assert ("share-box" in page) == ("share" in order)


def test_core_runs_after_every_plugin(plugins_on_path):
    manager = build_manager([], extra=[("good_nav", plugins_on_path("good_nav"))])
    implementations = manager.hook.campaignkit_nav_items.get_hookimpls()
    assert [impl.plugin_name for impl in reversed(implementations)] == ["good_nav", "core"]


# ---------------------------------------------------------------- loud start-up failures


def test_a_plugin_that_fails_to_import_stops_start_up(entry_points, folder):
    entry_points(broken_import="broken_import")
    set_plugins(folder, ["share", "broken_import"])
    with pytest.raises(PluginError) as caught:
        create_app(folder, environ={})
    message = str(caught.value)
    assert message.startswith("plugin 'broken_import' (broken_import) failed to import")
    assert "RuntimeError: broken_import fails on purpose" in message


def test_an_unknown_hook_stops_start_up_naming_the_plugin(plugins_on_path, folder):
    with pytest.raises(PluginError) as caught:
        create_app(
            folder, environ={}, extra_plugins=[("unknown_hook", plugins_on_path("unknown_hook"))]
        )
    assert str(caught.value) == (
        "plugin 'unknown_hook' implements hook 'campaignkit_nav_itmes', which does not exist "
        "(did you mean 'campaignkit_nav_items'?)"
    )


def test_an_unknown_hook_from_an_entry_point_stops_start_up(entry_points, folder):
    entry_points(unknown_hook="unknown_hook")
    set_plugins(folder, ["unknown_hook", "share"])
    with pytest.raises(
        PluginError, match="plugin 'unknown_hook' implements hook 'campaignkit_nav_itmes'"
    ):
        load_instance(folder, environ={})


def test_a_hook_with_wrong_arguments_is_refused():
    class WrongArguments:
        @campaignkit.hookimpl
        def campaignkit_nav_items(self, visitor):
            return []

    with pytest.raises(PluginError, match="plugin 'wrong_args' is invalid"):
        build_manager([], extra=[("wrong_args", WrongArguments())])


def test_the_same_plugin_twice_is_refused():
    with pytest.raises(PluginError, match="plugin 'share' is registered twice"):
        build_manager(["share", "share"])


def test_a_hook_that_raises_at_start_up_names_its_plugin(folder: Path):
    class FailingBlueprints:
        @campaignkit.hookimpl
        def campaignkit_blueprints(self):
            raise KeyError("no blueprint today")

    with pytest.raises(
        PluginError, match="plugin 'failing' failed in campaignkit_blueprints: KeyError"
    ):
        create_app(folder, environ={}, extra_plugins=[("failing", FailingBlueprints())])


# ---------------------------------------------------------- shared pages survive broken plugins


def test_a_raising_nav_item_and_slot_are_logged_and_skipped(
    make_app, plugins_on_path, caplog: pytest.LogCaptureFixture
):
    app = make_app(
        extra_plugins=[
            ("raising_nav", plugins_on_path("raising_nav")),
            ("good_nav", plugins_on_path("good_nav")),
        ]
    )
    with caplog.at_level(logging.ERROR, logger="campaignkit"):
        response = app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="/good-link"' in page  # the other plugin's link
    assert ">Home</a>" in page  # core's link
    assert '<p class="good-slot">good_nav slot</p>' in page  # the other plugin's slot
    assert "share-box" in page  # share, enabled by the kit, still fills home_aside
    failures = [r for r in caplog.records if "raising_nav" in r.getMessage()]
    hooks = {r.args[1] for r in failures}
    assert {"campaignkit_nav_items", "campaignkit_template_slots"} <= hooks
    assert all(r.exc_info and "fails on purpose" in str(r.exc_info[1]) for r in failures)


def test_unusable_contributions_are_logged_and_left_out(
    make_app, plugins_on_path, caplog: pytest.LogCaptureFixture
):
    app = make_app(
        extra_plugins=[
            ("bad_nav_value", plugins_on_path("bad_nav_value")),
            ("good_nav", plugins_on_path("good_nav")),
        ]
    )
    with caplog.at_level(logging.ERROR, logger="campaignkit"):
        response = app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/good-link" in page
    assert "/half" not in page  # a generator that fails part-way gives nothing
    assert "[&#39;not&#39;, &#39;html&#39;]" not in page and "['not', 'html']" not in page
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "'bad_nav_value' failed in campaignkit_nav_items" in messages
    assert "'bad_nav_value' returned list for slot 'home_main'" in messages


def test_an_error_at_start_up_is_not_isolated(plugins_on_path):
    manager = build_manager([], extra=[("raising_nav", plugins_on_path("raising_nav"))])
    with pytest.raises(PluginError, match="plugin 'raising_nav' failed in campaignkit_nav_items"):
        call_each(manager, "campaignkit_nav_items", isolate=False, user=None)
    assert call_each(manager, "campaignkit_nav_items", user=None) == []


# ---------------------------------------------------------------- settings schemas


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('networks = "whatsapp"', "'networks'"),
        ('networks = ["whatsapp", "myspace"]', "'networks.1'"),
        ("networks = 3", "'networks'"),
        ('colour = "red"', "unknown key 'colour'"),
    ],
)
def test_share_settings_of_the_wrong_type_are_refused(folder: Path, table: str, key: str):
    path = folder / "campaign.toml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n[plugins.share]\n{table}\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_instance(folder, environ={})
    message = str(caught.value)
    assert message.startswith(f"{path}: [plugins.share]: ")
    assert key in message


def test_the_kit_settings_apply_and_the_instance_overrides_them(folder: Path):
    kit_networks = tuple(load_kit("uk").settings["share"]["networks"])
    assert load_instance(folder, environ={}).plugin_settings["share"].networks == kit_networks
    path = folder / "campaign.toml"
    path.write_text(path.read_text("utf-8") + '\n[plugins.share]\nnetworks = ["email"]\n', "utf-8")
    assert load_instance(folder, environ={}).plugin_settings["share"].networks == ("email",)


def test_a_plugin_schema_declared_by_hook_is_validated(instance: Path, make_app, plugins_on_path):
    module = plugins_on_path("with_settings")
    path = instance / "campaign.toml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + '\n[plugins.with_settings]\nlimit = "many"\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        make_app(extra_plugins=[("with_settings", module)])
    assert f"{path}: [plugins.with_settings]: 'limit'" in str(caught.value)
    path.write_text(original + "\n[plugins.with_settings]\nlimit = 7\n", "utf-8")
    client = make_app(extra_plugins=[("with_settings", module)]).test_client()
    assert client.get("/with-settings/").get_json() == {"greeting": "hello", "limit": 7}


def test_a_schema_hook_must_return_a_model(folder: Path):
    class NotAModel:
        @campaignkit.hookimpl
        def campaignkit_settings_schema(self):
            return {"limit": int}

    with pytest.raises(PluginError, match="plugin 'not_a_model': campaignkit_settings_schema"):
        load_instance(folder, environ={}, extra_plugins=[("not_a_model", NotAModel())])


def test_hooks_implemented_lists_hook_names():
    manager = build_manager(["share"])
    assert {
        "campaignkit_settings_schema",
        "campaignkit_share_targets",
        "campaignkit_template_slots",
    } <= set(hooks_implemented(manager, "share"))
    assert hooks_implemented(manager, "core") == [
        "campaignkit_erase_personal_data",
        "campaignkit_nav_items",
        "campaignkit_needs",
        "campaignkit_permissions",
        "campaignkit_personal_data",
        "campaignkit_purge_personal_data",
    ]


# ---------------------------------------------------------------- hooks a plugin offers


class DoorSpecs:
    """The hookspecs a third-party "doors" plugin offers."""

    @campaignkit.hookspec
    def campaignkit_door_knocked(self, street: str, answered: bool) -> str | None:
        """Called when a volunteer logs a door."""


class Doors:
    """A plugin that offers ``campaignkit_door_knocked`` to other plugins."""

    @campaignkit.hookimpl
    def campaignkit_addhooks(self, pluginmanager):
        pluginmanager.add_hookspecs(DoorSpecs)


class Tally:
    """A plugin that implements the doors plugin's hook."""

    @campaignkit.hookimpl
    def campaignkit_door_knocked(self, street):
        return f"tallied {street}"


def test_a_plugin_offers_hooks_that_other_plugins_implement():
    # Tally is enabled after doors, so it is registered before doors adds the spec.
    manager = build_manager([], extra=[("doors", Doors()), ("tally", Tally())])
    results = call_each(manager, "campaignkit_door_knocked", street="Mill Lane", answered=True)
    assert results == [("tally", "tallied Mill Lane")]
    assert build_manager([], extra=[("tally", Tally()), ("doors", Doors())]).get_plugin("tally")


def test_an_implementation_that_does_not_fit_the_offered_hook_names_its_plugin():
    class WrongTally:
        @campaignkit.hookimpl
        def campaignkit_door_knocked(self, house):
            return house

    with pytest.raises(PluginError, match="plugin 'wrong_tally' is invalid"):
        build_manager([], extra=[("doors", Doors()), ("wrong_tally", WrongTally())])


def test_implementing_a_hook_of_a_plugin_that_is_not_enabled():
    with pytest.raises(PluginError, match="'campaignkit_door_knocked', which does not exist"):
        build_manager([], extra=[("tally", Tally())])

    class OptionalTally:
        @campaignkit.hookimpl(optionalhook=True)
        def campaignkit_door_knocked(self, street):
            return street

    assert build_manager([], extra=[("tally", OptionalTally())]).get_plugin("tally")


def test_a_plugin_whose_hookspecs_are_empty_is_named():
    class NoSpecs:
        @campaignkit.hookimpl
        def campaignkit_addhooks(self, pluginmanager):
            pluginmanager.add_hookspecs(Tally)  # implementations, not specs

    with pytest.raises(PluginError, match="plugin 'no_specs' could not add its hooks"):
        build_manager([], extra=[("no_specs", NoSpecs())])


def test_the_pledges_hooks_belong_to_the_pledges_plugin():
    from campaignkit.core import hookspecs

    assert not hasattr(hookspecs, "campaignkit_pledge_signed")
    assert not hasattr(build_manager([]).hook, "campaignkit_pledge_signed")
    manager = build_manager(["pledges"])
    assert manager.hook.campaignkit_pledge_signed.has_spec()
    assert manager.hook.campaignkit_pledge_next_steps.has_spec()
