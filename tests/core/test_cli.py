"""The ``campaignkit`` command line, run for real (click's runner, real folders and databases).

Failures must be one plain line and a non-zero exit, never a traceback, and
must leave nothing half-made behind.
"""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from builtin_kits import UK_PLUGINS
from click.testing import CliRunner, Result

import campaignkit
from campaignkit.cli import main
from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance
from campaignkit.core.kits import load_kit
from campaignkit.testing import INSTANCE_VARIABLES, cli_runner

PLUGINS_DIR = Path(__file__).resolve().parent.parent / "test_plugins"


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run ``campaignkit ARGS...`` in-process, without the caller's instance variables."""
    cleared: dict[str, str | None] = dict.fromkeys(INSTANCE_VARIABLES)
    return CliRunner().invoke(main, list(args), env={**cleared, **(env or {})})


def one_error_line(result: Result) -> str:
    """Assert a failed command printed exactly one plain line, and return it."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def contents(folder: Path) -> list[str]:
    """Every path under a folder, relative, sorted (hidden staging folders included)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def read_toml(path: Path) -> dict:
    """A TOML file, parsed."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install tests/test_plugins modules through the ``campaignkit`` entry-point group."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))

    def install(**plugins: str) -> None:
        dist = tmp_path / "site-packages" / "ck_test_plugins-1.0.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: ck-test-plugins\nVersion: 1.0\n", encoding="utf-8"
        )
        lines = "".join(f"{name} = {module}\n" for name, module in plugins.items())
        (dist / "entry_points.txt").write_text("[campaignkit]\n" + lines, encoding="utf-8")
        monkeypatch.syspath_prepend(str(dist.parent))

    return install


@pytest.fixture
def upgraded(instance: Path, cli) -> Path:
    """The test instance with its database upgraded, as ``campaignkit init`` leaves it."""
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    return instance


# ---------------------------------------------------------------- init


def test_init_makes_a_working_instance(tmp_path: Path, campaignkit_database_url: str | None):
    target = tmp_path / "campaign"
    extra = ["--database-url", campaignkit_database_url] if campaignkit_database_url else []
    result = run("init", str(target), "--name", "Riverside Greens", *extra)
    assert result.exit_code == 0, result.output
    assert f"Created {target}" in result.output
    config = read_toml(target / "campaign.toml")["campaign"]
    assert config["name"] == "Riverside Greens"
    assert config["kit"] == "uk"
    assert len(config["secret_key"]) >= 32
    assert (target / "theme" / "templates").is_dir() and (target / "media").is_dir()
    assert (target.stat().st_mode & 0o777) == 0o700  # it holds the secret key
    checked = run("--instance", str(target), "check")
    assert checked.exit_code == 0, checked.output
    assert "All checks passed." in checked.output
    app = create_app(target, environ={}, testing=True)
    try:
        page = app.test_client().get("/")
        assert page.status_code == 200
        assert "Riverside Greens" in page.get_data(as_text=True)
        assert app.test_client().get("/healthz").get_json()["status"] == "ok"
    finally:
        app.extensions["campaignkit"].database.dispose()


def test_each_init_generates_its_own_secret_key(tmp_path: Path):
    keys = set()
    for name in ("one", "two"):
        assert run("init", str(tmp_path / name)).exit_code == 0
        keys.add(read_toml(tmp_path / name / "campaign.toml")["campaign"]["secret_key"])
    assert len(keys) == 2


def test_init_with_kit_and_theme(tmp_path: Path):
    result = run("init", str(tmp_path / "us"), "--kit", "us", "--theme", "rose")
    assert result.exit_code == 0, result.output
    config = read_toml(tmp_path / "us" / "campaign.toml")["campaign"]
    assert (config["kit"], config["theme"]) == ("us", "rose")
    instance = load_instance(tmp_path / "us", environ={})
    assert instance.kit.name == "us"
    assert [theme.name for theme in instance.theme_chain] == ["rose"]


def test_init_into_an_empty_existing_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert run("init", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty" / "campaign.toml").is_file()


def test_init_with_a_forked_kit_given_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    assert run("kit", "fork", "uk", "kits/ours").exit_code == 0
    result = run("init", "site", "--kit", "./kits/ours")
    assert result.exit_code == 0, result.output
    assert read_toml(tmp_path / "site" / "campaign.toml")["campaign"]["kit"] == str(
        (tmp_path / "kits" / "ours").resolve()
    )
    assert load_instance(tmp_path / "site", environ={}).kit.name == "ours"


def test_init_refuses_a_non_empty_folder(tmp_path: Path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me", encoding="utf-8")
    line = one_error_line(run("init", str(tmp_path / "busy")))
    assert "already exists and is not empty" in line
    assert contents(tmp_path) == ["busy", "busy/notes.txt"]
    assert (tmp_path / "busy" / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--kit", "atlantis"], "unknown kit 'atlantis'"),
        (["--theme", "neon"], "unknown theme 'neon'"),
        (["--kit", "./no-such-kit"], "has no kit.toml"),
    ],
)
def test_init_with_an_unknown_kit_or_theme_leaves_nothing(
    tmp_path: Path, option: list[str], expected: str
):
    parent = tmp_path / "parent"
    parent.mkdir()
    line = one_error_line(run("init", str(parent / "new" / "site"), *option))
    assert expected in line
    assert contents(parent) == []  # no folder, no parents, no staging folder


def test_init_where_the_parent_is_a_file_leaves_nothing(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    line = one_error_line(run("init", str(blocker / "site")))
    assert f"cannot create {blocker / 'site'}" in line
    assert contents(tmp_path) == ["not-a-folder"]
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_init_with_an_unreachable_database_leaves_nothing(tmp_path: Path):
    url = "postgresql://nobody:nothing@127.0.0.1:1/nowhere"
    line = one_error_line(run("init", str(tmp_path / "a" / "site"), "--database-url", url))
    assert "cannot set up the database" in line
    assert contents(tmp_path) == []


def test_init_with_a_bad_database_url_leaves_nothing(tmp_path: Path):
    line = one_error_line(run("init", str(tmp_path / "site"), "--database-url", "mysql://x/y"))
    assert "'campaign.database_url'" in line
    assert contents(tmp_path) == []


# ---------------------------------------------------------------- which instance


def test_instance_from_option_then_environment_then_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in ("by-option", "by-env", "by-cwd"):
        init_instance(tmp_path / name, name=name)
    monkeypatch.chdir(tmp_path / "by-cwd")

    def used(result: Result) -> str:
        found = re.search(r"config (\S+)/campaign\.toml is valid", result.output)
        assert found, result.output
        return Path(found.group(1)).name

    by_env = {"CAMPAIGNKIT_INSTANCE": str(tmp_path / "by-env")}
    assert used(run("--instance", str(tmp_path / "by-option"), "check", env=by_env)) == "by-option"
    assert used(run("check", env=by_env)) == "by-env"
    assert used(run("check")) == "by-cwd"


# ---------------------------------------------------------------- check


def test_check_passes_on_a_good_instance(upgraded: Path, cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("All checks passed.")
    assert "PROBLEM" not in result.output
    assert "templates compile" in result.output
    assert "is up to date" in result.output


def test_check_reports_a_database_that_needs_upgrading(instance: Path):
    result = cli_runner(instance)("check")  # not ck_cli, which migrates first
    assert result.exit_code == 1
    assert "PROBLEM  database needs 'campaignkit db upgrade' for: core" in result.output
    assert result.output.strip().endswith("Error: 1 problem(s) found")


def test_check_reports_a_broken_template_by_file_and_line(upgraded: Path, cli):
    broken = upgraded / "theme" / "templates" / "broken.html"
    broken.write_text("<p>fine</p>\n{% if site.name %}\n<p>never closed</p>\n", encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1, result.output  # reported once, though reachable by two names
    assert f"template {broken}, line " in problems[0]
    assert "Unexpected end of template" in problems[0]
    assert result.output.strip().endswith("Error: 1 problem(s) found")


def test_check_reports_a_bad_config(upgraded: Path, cli):
    path = upgraded / "campaign.toml"
    path.write_text(path.read_text("utf-8").replace("[server]", "[server]\nworkers = 3"), "utf-8")
    result = cli("check")
    assert result.exit_code == 1
    assert f"PROBLEM  {path}: unknown key 'server.workers'" in result.output
    assert "Traceback" not in result.output


def test_check_reports_a_plugin_that_fails_to_import(folder_with_broken_plugin: Path):
    result = run("--instance", str(folder_with_broken_plugin), "check")
    assert result.exit_code == 1
    assert "PROBLEM  plugin 'broken_import' (broken_import) failed to import" in result.output
    assert "Traceback" not in result.output


def test_check_reports_an_unreachable_database(tmp_path: Path):
    folder = init_instance(
        tmp_path / "site", database_url="postgresql://nobody:x@127.0.0.1:1/nowhere"
    )
    result = run("--instance", str(folder), "check")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1, result.output
    assert "cannot be read" in problems[0] and "Connection refused" in problems[0]
    assert "nobody:x@" not in result.output  # the password is hidden


@pytest.fixture
def folder_with_broken_plugin(tmp_path: Path, entry_points) -> Path:
    """An instance that enables an installed plugin whose import fails."""
    entry_points(broken_import="broken_import")
    folder = init_instance(tmp_path / "site")
    path = folder / "campaign.toml"
    text = path.read_text("utf-8").replace('kit = "uk"', 'kit = "uk"\nplugins = ["broken_import"]')
    path.write_text(text, encoding="utf-8")
    return folder


def test_a_broken_plugin_stops_other_commands_with_one_line(folder_with_broken_plugin: Path):
    line = one_error_line(run("--instance", str(folder_with_broken_plugin), "db", "upgrade"))
    assert "plugin 'broken_import'" in line


# ---------------------------------------------------------------- plugins


def test_plugins_list_json(instance: Path, cli, entry_points):
    entry_points(good_nav="good_nav", broken_import="broken_import")
    result = cli("plugins", "list", "--json")
    assert result.exit_code == 0, result.output
    records = {record["name"]: record for record in json.loads(result.output)}
    share = records["share"]
    assert share["version"] == campaignkit.__version__
    assert share["origin"] == "builtin"
    assert share["enabled"] is True
    assert {"campaignkit_share_targets", "campaignkit_template_slots"} <= set(share["hooks"])
    good = records["good_nav"]
    assert (good["origin"], good["version"], good["enabled"]) == ("entry point", "1.0", False)
    assert good["hooks"] == ["campaignkit_nav_items", "campaignkit_template_slots"]
    assert good["error"] is None
    assert "failed to import" in records["broken_import"]["error"]
    for record in records.values():
        assert {"name", "version", "origin", "enabled", "hooks", "own_hooks"} <= set(record)


def test_plugins_list_shows_the_hooks_a_plugin_offers(instance: Path, cli):
    records = {
        record["name"]: record for record in json.loads(cli("plugins", "list", "--json").output)
    }
    pledges = records["pledges"]
    assert pledges["own_hooks"] == ["campaignkit_pledge_next_steps", "campaignkit_pledge_signed"]
    assert "campaignkit_addhooks" in pledges["hooks"]
    assert records["share"]["own_hooks"] == []
    table = cli("plugins", "list").output
    line = next(line for line in table.splitlines() if line.startswith("pledges "))
    assert line.endswith("offers campaignkit_pledge_next_steps, campaignkit_pledge_signed")


def test_plugins_list_table(instance: Path, cli):
    result = cli("plugins", "list")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("share "))
    assert "builtin" in line and "enabled" in line and "campaignkit_share_targets" in line


def test_plugins_list_without_an_instance_still_lists(tmp_path: Path):
    result = run("--instance", str(tmp_path), "plugins", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["enabled"] is False


def test_disable_and_enable_keep_the_comments(tmp_path: Path):
    folder = init_instance(tmp_path / "site")
    path = folder / "campaign.toml"
    comments = [line for line in path.read_text("utf-8").splitlines() if line.startswith("#")]
    assert len(comments) >= 3
    path.chmod(0o600)

    result = run("--instance", str(folder), "plugins", "disable", "share")
    assert result.exit_code == 0, result.output
    assert "Disabled 'share'" in result.output
    assert read_toml(path)["campaign"]["plugins"] == UK_PLUGINS[1:]
    assert load_instance(folder, environ={}).enabled == UK_PLUGINS[1:]

    result = run("--instance", str(folder), "plugins", "enable", "share")
    assert result.exit_code == 0, result.output
    assert read_toml(path)["campaign"]["plugins"] == [*UK_PLUGINS[1:], "share"]
    assert load_instance(folder, environ={}).enabled == [*UK_PLUGINS[1:], "share"]
    text = path.read_text("utf-8")
    assert all(comment in text for comment in comments)
    assert (path.stat().st_mode & 0o777) == 0o600  # the secret key stays private
    assert not any(name.endswith(".tmp") for name in contents(folder))

    again = run("--instance", str(folder), "plugins", "enable", "share")
    assert again.exit_code == 0 and "already enabled" in again.output


@pytest.mark.parametrize("action", ["enable", "disable"])
def test_an_unknown_plugin_is_refused_and_the_file_is_unchanged(tmp_path: Path, action: str):
    folder = init_instance(tmp_path / "site")
    before = (folder / "campaign.toml").read_bytes()
    line = one_error_line(run("--instance", str(folder), "plugins", action, "pledgez"))
    assert "plugin 'pledgez'" in line and "not installed" in line
    assert (folder / "campaign.toml").read_bytes() == before
    assert not any(name.endswith(".tmp") for name in contents(folder))


def test_enabling_a_plugin_that_breaks_start_up_is_undone(tmp_path: Path, entry_points):
    entry_points(broken_import="broken_import")
    folder = init_instance(tmp_path / "site")
    before = (folder / "campaign.toml").read_bytes()
    line = one_error_line(run("--instance", str(folder), "plugins", "enable", "broken_import"))
    assert "plugin 'broken_import'" in line
    assert (folder / "campaign.toml").read_bytes() == before


def test_a_broken_enabled_plugin_can_be_disabled(folder_with_broken_plugin: Path):
    result = run(
        "--instance", str(folder_with_broken_plugin), "plugins", "disable", "broken_import"
    )
    assert result.exit_code == 0, result.output
    assert load_instance(folder_with_broken_plugin, environ={}).enabled == []


def test_a_plugin_that_is_no_longer_installed_can_be_disabled(tmp_path: Path):
    folder = init_instance(tmp_path / "site", plugins=["share", "uninstalled"])
    result = run("--instance", str(folder), "plugins", "disable", "uninstalled")
    assert result.exit_code == 0, result.output
    assert load_instance(folder, environ={}).enabled == ["share"]


# ---------------------------------------------------------------- kits and themes


def test_kits_list():
    result = run("kits", "list")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "UK Westminster" in lines["uk"] and "theme rose" in lines["uk"]
    assert "US House" in lines["us"] and "theme ink" in lines["us"]


def test_themes_list():
    result = run("themes", "list")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"rose", "ink"} <= set(names)


def test_a_forked_kit_loads_from_campaign_toml_and_can_be_edited(tmp_path: Path):
    fork = tmp_path / "our-kit"
    result = run("kit", "fork", "uk", str(fork))
    assert result.exit_code == 0, result.output
    assert f'kit = "{fork}"' in result.output
    folder = init_instance(tmp_path / "site")
    path = folder / "campaign.toml"
    path.write_text(path.read_text("utf-8").replace('kit = "uk"', f'kit = "{fork}"'), "utf-8")

    kit_toml = fork / "kit.toml"
    text = kit_toml.read_text("utf-8")
    description = load_kit("uk").description
    kit_toml.write_text(text.replace(description, "Win Riverside by knocking on doors."), "utf-8")
    (fork / "templates").mkdir(exist_ok=True)
    (fork / "templates" / "home.html").write_text(
        '{% extends "core:home.html" %}{% block title %}Our fork{% endblock %}', "utf-8"
    )

    instance = load_instance(folder, environ={})
    assert instance.kit.name == "our-kit"
    assert instance.kit.path == fork
    app = create_app(folder, environ={}, testing=True)
    try:
        page = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.extensions["campaignkit"].database.dispose()
    assert "Win Riverside by knocking on doors." in page
    assert "<title>Our fork</title>" in page


def test_fork_refuses_an_existing_folder(tmp_path: Path):
    (tmp_path / "taken").mkdir()
    line = one_error_line(run("kit", "fork", "uk", str(tmp_path / "taken")))
    assert "already exists" in line


def test_fork_of_an_unknown_kit(tmp_path: Path):
    assert "unknown kit 'atlantis'" in one_error_line(
        run("kit", "fork", "atlantis", str(tmp_path / "x"))
    )
    assert contents(tmp_path) == []


def test_version_and_help():
    assert run("--version").output.strip() == f"campaignkit, version {campaignkit.__version__}"
    help_text = run("--help").output
    for command in ("init", "check", "plugins", "kits", "kit", "themes", "db"):
        assert re.search(rf"^\s+{command}\s", help_text, re.MULTILINE), command


def test_plugin_modules_used_here_import(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    assert importlib.import_module("good_nav").__name__ == "good_nav"
    with pytest.raises(RuntimeError, match="on purpose"):
        importlib.import_module("broken_import")
