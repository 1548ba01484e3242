"""Kits and themes: finding them, loading them, forking a kit, and themes that extend themes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomlkit

from campaignkit.core.config import ConfigError
from campaignkit.core.kits import available_kits, fork_kit, load_kit
from campaignkit.core.themes import (
    BUILTIN_THEMES_DIR,
    Theme,
    available_themes,
    load_theme,
    load_theme_chain,
    theme_variables,
)


def builtin_colours(name: str) -> dict[str, str]:
    """A built-in theme's colours, read straight from its theme.toml."""
    with (BUILTIN_THEMES_DIR / name / "theme.toml").open("rb") as handle:
        return tomllib.load(handle)["colours"]


def write_theme(folder: Path, name: str, extends: str | None = None, **colours: str) -> Path:
    """Write a theme folder with a theme.toml; returns the folder."""
    folder.mkdir(parents=True)
    lines = ["[theme]", f'name = "{name}"', f'title = "{name.title()}"']
    if extends:
        lines.append(f'extends = "{extends}"')
    lines.append("[colours]")
    lines += [f'{key} = "{value}"' for key, value in colours.items()]
    (folder / "theme.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def make_theme(name: str, extends: str | None = None, **colours: str) -> Theme:
    """A Theme object made directly, without any folder."""
    return Theme(name, name.title(), "", Path(name), extends, dict(colours), {})


# ---------------------------------------------------------------- kits


def test_builtin_kits_are_available_and_load():
    kits = available_kits()
    assert {"uk", "us"} <= set(kits)
    assert kits["uk"][1] == "builtin"
    uk = load_kit("uk")
    assert uk.name == "uk"
    assert uk.title == "UK Westminster"
    assert uk.path == kits["uk"][0]
    assert "share" in uk.plugins
    assert uk.election["seats"] == 650
    assert load_kit("us").theme == "ink"


def test_unknown_kit_lists_the_installed_ones():
    with pytest.raises(ConfigError, match=r"unknown kit 'atlantis' \(installed kits: .*uk.*us"):
        load_kit("atlantis")


def test_kit_by_path_is_relative_to_the_given_folder(tmp_path: Path):
    fork_kit("uk", tmp_path / "kits" / "mine")
    kit = load_kit("./kits/mine", tmp_path)
    assert kit.name == "mine"
    assert kit.path == (tmp_path / "kits" / "mine").resolve()


def test_a_bad_kit_toml_names_the_file_and_key(tmp_path: Path):
    forked = fork_kit("uk", tmp_path / "mine")
    text = (forked.path / "kit.toml").read_text(encoding="utf-8")
    (forked.path / "kit.toml").write_text(text.replace("[kit]", "[kit]\nslogan = 1"), "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_kit(str(forked.path))
    assert str(forked.path / "kit.toml") in str(caught.value)
    assert "unknown key 'kit.slogan'" in str(caught.value)


def test_fork_copies_the_kit_renames_it_and_keeps_comments(tmp_path: Path):
    forked = fork_kit("uk", tmp_path / "my-kit")
    original = (load_kit("uk").path / "kit.toml").read_text(encoding="utf-8")
    copied = (forked.path / "kit.toml").read_text(encoding="utf-8")
    assert forked.name == "my-kit"
    assert forked.title == "UK Westminster (fork)"
    assert forked.plugins == load_kit("uk").plugins
    comments = [line for line in original.splitlines() if line.startswith("#")]
    assert comments and all(comment in copied for comment in comments)
    assert not (forked.path / "__init__.py").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["my-kit"]  # no staging folder left


def test_fork_with_a_new_name(tmp_path: Path):
    assert fork_kit("us", tmp_path / "folder", new_name="district-7").name == "district-7"


def test_fork_refuses_an_existing_folder(tmp_path: Path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists"):
        fork_kit("uk", tmp_path / "taken")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["keep.txt"]


def test_fork_into_an_unwritable_place_leaves_nothing(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot fork kit 'uk'"):
        fork_kit("uk", blocker / "kit")
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


# ---------------------------------------------------------------- themes


def test_builtin_themes_are_available():
    themes = available_themes()
    assert {"rose", "ink"} <= set(themes)
    rose = load_theme("rose")
    assert rose.name == "rose"
    assert rose.path == themes["rose"]
    assert rose.colours == builtin_colours("rose")


def test_rose_and_ink_are_clearly_different():
    rose = theme_variables(load_theme_chain("rose"))
    ink = theme_variables(load_theme_chain("ink"))
    assert rose["--ck-primary"] != ink["--ck-primary"]
    assert rose["--ck-background"] != ink["--ck-background"]
    assert rose["--ck-text"] != ink["--ck-text"]
    assert (BUILTIN_THEMES_DIR / "rose" / "static" / "themes" / "rose.css").is_file()
    assert (BUILTIN_THEMES_DIR / "ink" / "static" / "themes" / "ink.css").is_file()


def test_unknown_theme_lists_the_installed_ones():
    with pytest.raises(ConfigError, match=r"unknown theme 'neon' \(installed themes: ink, rose"):
        load_theme_chain("neon")


def test_theme_variables_later_in_the_chain_are_overridden():
    base = make_theme("base", primary="#111111", background="#eeeeee", text="#000000")
    middle = make_theme("middle", extends="base", primary="#222222")
    top = make_theme("top", extends="middle", background="#333333")
    variables = theme_variables([top, middle, base])
    assert variables["--ck-primary"] == "#222222"  # from middle
    assert variables["--ck-background"] == "#333333"  # from top
    assert variables["--ck-text"] == "#000000"  # inherited from base


def test_theme_variables_include_fonts_and_dash_names():
    theme = Theme("t", "T", "", Path("t"), None, {"on_primary": "#fff"}, {"heading": "Georgia"})
    assert theme_variables([theme]) == {"--ck-on-primary": "#fff", "--ck-font-heading": "Georgia"}


def test_a_theme_folder_extends_a_builtin_theme_and_inherits_its_colours(tmp_path: Path):
    write_theme(tmp_path / "campaign-pink", "campaign-pink", extends="ink", primary="#ff00aa")
    chain = load_theme_chain("./campaign-pink", tmp_path)
    assert [theme.name for theme in chain] == ["campaign-pink", "ink"]
    variables = theme_variables(chain)
    ink = builtin_colours("ink")
    assert variables["--ck-primary"] == "#ff00aa"
    assert variables["--ck-background"] == ink["background"]
    assert variables["--ck-surface"] == ink["surface"]


def test_extends_by_path_is_relative_to_the_theme_folder(tmp_path: Path):
    write_theme(tmp_path / "themes" / "parent", "parent", extends="rose", text="#010101")
    write_theme(tmp_path / "themes" / "child", "child", extends="../parent", primary="#020202")
    chain = load_theme_chain("themes/child", tmp_path)
    assert [theme.name for theme in chain] == ["child", "parent", "rose"]
    variables = theme_variables(chain)
    assert variables["--ck-text"] == "#010101"
    assert variables["--ck-primary"] == "#020202"
    assert variables["--ck-background"] == builtin_colours("rose")["background"]


def test_a_theme_that_extends_itself_is_refused(tmp_path: Path):
    write_theme(tmp_path / "loop", "loop", extends="../loop")
    with pytest.raises(ConfigError, match="theme 'loop' extends itself: loop -> loop"):
        load_theme_chain("./loop", tmp_path)


def test_a_cycle_through_several_themes_is_refused(tmp_path: Path):
    write_theme(tmp_path / "a", "a", extends="../b")
    write_theme(tmp_path / "b", "b", extends="../c")
    write_theme(tmp_path / "c", "c", extends="../a")
    with pytest.raises(ConfigError, match=r"theme 'a' extends itself: a -> b -> c -> a"):
        load_theme_chain("./a", tmp_path)


def test_a_theme_that_extends_an_unknown_theme_names_its_file(tmp_path: Path):
    write_theme(tmp_path / "orphan", "orphan", extends="neon")
    with pytest.raises(ConfigError) as caught:
        load_theme_chain("./orphan", tmp_path)
    assert "unknown theme 'neon'" in str(caught.value)
    assert str(tmp_path / "orphan" / "theme.toml") in str(caught.value)


def test_a_bad_theme_toml_names_the_file_and_key(tmp_path: Path):
    folder = write_theme(tmp_path / "bad", "bad", primary="#000000")
    document = tomlkit.parse((folder / "theme.toml").read_text(encoding="utf-8"))
    document["colours"]["sparkle"] = "#ffffff"
    (folder / "theme.toml").write_text(tomlkit.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_theme("./bad", tmp_path)
    assert "unknown key 'colours.sparkle'" in str(caught.value)
    assert str(folder / "theme.toml") in str(caught.value)


def test_a_theme_folder_without_theme_toml(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="theme folder './empty' has no theme.toml"):
        load_theme("./empty", tmp_path)
