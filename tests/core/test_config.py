"""campaign.toml is validated at start-up: every problem is one clear message naming its source.

These tests write real instance folders and real files; the command-line
tests run the real ``campaignkit`` group (in-process with click's runner, and
once as a separate process to prove no traceback reaches the terminal).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from campaignkit.cli import main
from campaignkit.core.app import create_app
from campaignkit.core.config import ConfigError, load_config
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance
from campaignkit.core.registry import PluginError

GOOD_KEY = "k" * 40


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An instance folder made as ``campaignkit init`` makes one (SQLite; no database needed)."""
    return init_instance(tmp_path / "instance", name="Config test")


def config_file(folder: Path) -> Path:
    """The instance's campaign.toml."""
    return folder / "campaign.toml"


def edit(folder: Path, old: str, new: str) -> None:
    """Replace text in campaign.toml (the text must be there)."""
    path = config_file(folder)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in campaign.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, text: str) -> None:
    """Add TOML at the end of campaign.toml."""
    path = config_file(folder)
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def load_error(folder: Path, environ: dict[str, str] | None = None) -> str:
    """The message of the ConfigError that loading the instance raises."""
    with pytest.raises(ConfigError) as caught:
        load_instance(folder, environ=environ if environ is not None else {})
    return str(caught.value)


def run_cli(*args: str, env: dict[str, str] | None = None):
    """Run the real command group in-process."""
    return CliRunner().invoke(main, list(args), env=env)


# ---------------------------------------------------------------- a good file


def test_a_new_instance_config_loads_with_its_values(folder: Path):
    config = load_config(folder, environ={})
    assert config.campaign.name == "Config test"
    assert config.campaign.kit == "uk"
    assert len(config.campaign.secret_key) >= 32
    assert config.server.trusted_proxy_hops == 0
    assert config.campaign.database_url is None
    assert dict(config.plugins) == {}


def test_plugin_tables_are_read(folder: Path):
    append(folder, '[plugins.share]\nnetworks = ["x", "email"]')
    instance = load_instance(folder, environ={})
    assert instance.config.plugins["share"]["networks"] == ("x", "email")
    assert instance.plugin_settings["share"].networks == ("x", "email")


# ---------------------------------------------------------------- unknown keys, wrong types


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        (
            "trusted_proxy_hops = 0",
            "trusted_proxy_hop = 0",
            "unknown key 'server.trusted_proxy_hop' (did you mean 'trusted_proxy_hops'?)",
        ),
        ("[server]", "[sever]\nx = 1\n[server]", "unknown key 'sever' (did you mean 'server'?)"),
    ],
)
def test_an_unknown_key_names_the_nearest_known_one(folder: Path, old: str, new: str, hint: str):
    edit(folder, old, new)
    assert hint in load_error(folder)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('kit = "uk"', 'kit = "uk"\ncolour = "red"', "campaign.colour"),
        ("trusted_proxy_hops = 0", "trusted_proxy_hops = 0\nworkers = 4", "server.workers"),
        ("[server]", "[servr]\nx = 1\n[server]", "servr"),
    ],
)
def test_an_unknown_key_is_named_with_the_file(folder: Path, old: str, new: str, key: str):
    edit(folder, old, new)
    message = load_error(folder)
    assert f"unknown key '{key}'" in message
    assert str(config_file(folder)) in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("trusted_proxy_hops = 0", 'trusted_proxy_hops = "two"', "server.trusted_proxy_hops"),
        ("trusted_proxy_hops = 0", "trusted_proxy_hops = 9", "server.trusted_proxy_hops"),
        ('name = "Config test"', "name = 42", "campaign.name"),
        ('kit = "uk"', 'kit = "uk"\nplugins = "share"', "campaign.plugins"),
        ('kit = "uk"', 'kit = "uk"\ndatabase_url = "mysql://db/x"', "campaign.database_url"),
        ('kit = "uk"', 'kit = "uk"\nredis_url = "localhost:6379"', "campaign.redis_url"),
    ],
)
def test_a_wrong_type_or_value_is_named_with_the_file(folder: Path, old: str, new: str, key: str):
    edit(folder, old, new)
    message = load_error(folder)
    assert f"'{key}'" in message
    assert str(config_file(folder)) in message
    assert "Traceback" not in message


def test_a_plugin_table_that_is_not_a_table_is_named(folder: Path):
    append(folder, '[plugins]\nshare = "everything"')
    message = load_error(folder)
    assert "'plugins.share'" in message
    assert str(config_file(folder)) in message


# ---------------------------------------------------------------- whole-file problems


def test_missing_file_says_how_to_make_one(tmp_path: Path):
    message = load_error(tmp_path)
    assert str(tmp_path / "campaign.toml") in message
    assert "not found" in message
    assert "campaignkit init" in message


def test_corrupt_toml_names_the_file_and_the_place(folder: Path):
    edit(folder, "[server]", "[server")
    message = load_error(folder)
    assert str(config_file(folder)) in message
    assert "not valid TOML" in message
    assert "line" in message


def test_a_binary_file_is_reported_as_not_toml(folder: Path):
    config_file(folder).write_bytes(b"\xff\xfe\x00\x81 not text at all \x00")
    message = load_error(folder)
    assert str(config_file(folder)) in message
    assert "not valid TOML" in message


def test_a_folder_named_campaign_toml_cannot_be_read(tmp_path: Path):
    (tmp_path / "campaign.toml").mkdir()
    message = load_error(tmp_path)
    assert "cannot be read" in message


# ---------------------------------------------------------------- what the keys refer to


def test_unknown_kit(folder: Path):
    edit(folder, 'kit = "uk"', 'kit = "atlantis"')
    message = load_error(folder)
    assert "unknown kit 'atlantis'" in message
    assert "uk" in message and "us" in message  # the installed ones are listed
    assert str(config_file(folder)) in message


def test_kit_folder_without_kit_toml(folder: Path):
    (folder / "empty-kit").mkdir()
    edit(folder, 'kit = "uk"', 'kit = "./empty-kit"')
    message = load_error(folder)
    assert "has no kit.toml" in message
    assert str(folder / "empty-kit") in message


def test_unknown_theme(folder: Path):
    edit(folder, 'kit = "uk"', 'kit = "uk"\ntheme = "neon"')
    message = load_error(folder)
    assert "unknown theme 'neon'" in message
    assert "rose" in message and "ink" in message
    assert str(config_file(folder)) in message


def test_table_for_a_plugin_that_is_not_installed(folder: Path):
    append(folder, "[plugins.karaoke]\nmax_minutes = 3")
    message = load_error(folder)
    assert "[plugins.karaoke]" in message
    assert "not a setting table of an enabled plugin" in message
    assert str(config_file(folder)) in message


def test_table_for_an_installed_plugin_that_is_not_enabled(folder: Path):
    edit(folder, 'kit = "uk"', 'kit = "uk"\nplugins = []')
    append(folder, '[plugins.share]\nnetworks = ["x"]')
    message = load_error(folder)
    assert "[plugins.share]" in message
    assert "not a setting table of an enabled plugin" in message


def test_enabled_plugin_that_is_not_installed(folder: Path):
    edit(folder, 'kit = "uk"', 'kit = "uk"\nplugins = ["share", "pledgez"]')
    with pytest.raises(PluginError, match="plugin 'pledgez' is enabled but not installed"):
        load_instance(folder, environ={})


@pytest.mark.parametrize("key", ["", "short", "x" * 15])
def test_too_short_secret_key(folder: Path, key: str):
    text = config_file(folder).read_text(encoding="utf-8")
    lines = [
        f'secret_key = "{key}"' if line.startswith("secret_key") else line
        for line in text.splitlines()
    ]
    config_file(folder).write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = load_error(folder)
    assert "'campaign.secret_key'" in message
    assert "shorter than 16 characters" in message
    assert "CAMPAIGNKIT_SECRET_KEY" in message
    assert str(config_file(folder)) in message


# ---------------------------------------------------------------- secrets from the environment


def test_environment_secrets_override_the_file(folder: Path):
    environ = {
        "CAMPAIGNKIT_SECRET_KEY": GOOD_KEY,
        "DATABASE_URL": "postgres://u:p@db.example/campaign",
        "REDIS_URL": "redis://cache.example:6379/2",
    }
    edit(folder, 'kit = "uk"', 'kit = "uk"\ndatabase_url = "sqlite:///elsewhere.db"')
    instance = load_instance(folder, environ=environ)
    assert instance.config.campaign.secret_key == GOOD_KEY
    assert instance.config.campaign.database_url == "postgres://u:p@db.example/campaign"
    assert instance.database_url == "postgresql+psycopg://u:p@db.example/campaign"
    assert instance.redis_url == "redis://cache.example:6379/2"


def test_the_campaignkit_prefixed_variable_wins_over_the_generic_one(folder: Path):
    environ = {
        "CAMPAIGNKIT_DATABASE_URL": "sqlite:///chosen.db",
        "DATABASE_URL": "postgresql://other/db",
    }
    assert load_config(folder, environ).campaign.database_url == "sqlite:///chosen.db"


def test_an_empty_variable_does_not_override(folder: Path):
    file_key = load_config(folder, {}).campaign.secret_key
    assert load_config(folder, {"CAMPAIGNKIT_SECRET_KEY": ""}).campaign.secret_key == file_key


def test_environment_secret_rescues_a_missing_file_key(folder: Path):
    edit(folder, "secret_key", "# secret_key")
    assert "secret_key" in load_error(folder)
    assert load_config(folder, {"CAMPAIGNKIT_SECRET_KEY": GOOD_KEY}).campaign.secret_key == GOOD_KEY


def test_the_process_environment_is_read_by_default(folder: Path, monkeypatch):
    monkeypatch.setenv("CAMPAIGNKIT_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    config = load_config(folder)
    assert config.campaign.secret_key == GOOD_KEY
    assert config.campaign.redis_url == "redis://127.0.0.1:6379/9"


def test_the_app_signs_sessions_with_the_environment_key(folder: Path):
    app = create_app(folder, environ={"CAMPAIGNKIT_SECRET_KEY": GOOD_KEY}, testing=True)
    try:
        assert app.config["SECRET_KEY"] == GOOD_KEY
    finally:
        app.extensions["campaignkit"].database.dispose()


def test_a_bad_environment_url_is_reported_under_its_key(folder: Path):
    message = load_error(folder, environ={"DATABASE_URL": "oracle://db/x"})
    assert "'campaign.database_url'" in message


# ---------------------------------------------------------------- frozen


def test_the_config_object_is_frozen(folder: Path):
    append(folder, '[plugins.share]\nnetworks = ["x"]')
    config = load_instance(folder, environ={}).config
    with pytest.raises(ValidationError, match="frozen"):
        config.campaign.name = "Changed"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        config.server = config.server  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.plugins["share"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        config.plugins["share"]["networks"] = ["facebook"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.plugins["share"]["networks"].append("facebook")
    assert config.campaign.name == "Config test"
    assert config.plugins["share"]["networks"] == ("x",)


# ---------------------------------------------------------------- on the command line

BROKEN_CONFIGS = {
    "unknown key": ('kit = "uk"', 'kit = "uk"\ncolour = "red"', "unknown key 'campaign.colour'"),
    "wrong type": ("trusted_proxy_hops = 0", 'trusted_proxy_hops = "x"', "trusted_proxy_hops"),
    "corrupt": ("[server]", "[server", "not valid TOML"),
    "unknown kit": ('kit = "uk"', 'kit = "atlantis"', "unknown kit 'atlantis'"),
    "unknown theme": ('kit = "uk"', 'kit = "uk"\ntheme = "neon"', "unknown theme 'neon'"),
    "plugin table": ("[server]", "[plugins.pledges]\ngoal = 1\n[server]", "[plugins.pledges]"),
    "short key": ("secret_key = ", 'secret_key = "tiny"\n# was: ', "shorter than 16"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CONFIGS))
def test_cli_reports_a_bad_config_in_one_plain_line(folder: Path, case: str):
    old, new, expected = BROKEN_CONFIGS[case]
    edit(folder, old, new)
    result = run_cli("--instance", str(folder), "db", "upgrade")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_reports_a_missing_config(tmp_path: Path):
    result = run_cli("--instance", str(tmp_path), "db", "upgrade")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "campaign.toml: not found" in result.output


@pytest.mark.slow
def test_no_traceback_reaches_the_terminal(folder: Path):
    """A separate process, as a person would run it: stderr holds one line, no traceback."""
    config_file(folder).write_bytes(b"\xff\xfe not toml \x00")
    done = subprocess.run(
        [sys.executable, "-m", "campaignkit.cli", "--instance", str(folder), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: {config_file(folder)}: not valid TOML (the file is not UTF-8 text)"
    ]
    assert done.stdout == ""
