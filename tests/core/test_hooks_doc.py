"""docs/hooks.md documents exactly the hooks core and the built-in plugins declare.

Core's hooks are in ``campaignkit/core/hookspecs.py``; a plugin's own hooks
are in its ``hookspecs.py`` (``campaignkit/plugins/<name>/hookspecs.py``),
added through ``campaignkit_addhooks``. Each hook is a
``### `campaignkit_name(arg, ...)` `` heading under a ``## Group`` heading
named like the banner comment it sits under in its hookspecs file (a
plugin's banner names the plugin: "pledges plugin"). The test fails when a
hook is missing from the page, when the page documents a hook that does not
exist, when the arguments or the group differ, when an example
``@hookimpl`` takes an argument the hook does not give, or when a
firstresult hook's section does not say that it stops at the first non-None
result.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from campaignkit.core import hookspecs
from campaignkit.core.registry import build_manager

ROOT = Path(__file__).resolve().parents[2]
HOOKS_DOC = ROOT / "docs" / "hooks.md"
PLUGINS = ROOT / "campaignkit" / "plugins"

BANNER = re.compile(r"^# -{3,} (?P<group>.+?)\s*$")
SPEC_DEF = re.compile(r"^def (?P<name>campaignkit_\w+)\(")
GROUP_HEADING = re.compile(r"^## (?P<group>.+?)\s*$")
HOOK_HEADING = re.compile(r"^### `?(?P<name>campaignkit_\w+)\((?P<args>[^)]*)\)`?\s*$")
EXAMPLE_IMPL = re.compile(
    r"@hookimpl(?:\([^)]*\))?\s*\ndef (?P<name>campaignkit_\w+)\((?P<args>[^)]*)\)"
)


def spec_modules() -> dict[str, ModuleType]:
    """Core's hookspecs module and every built-in plugin's own, by the plugin's name."""
    modules = {"core": hookspecs}
    for path in sorted(PLUGINS.glob("*/hookspecs.py")):
        plugin = path.parent.name
        modules[plugin] = importlib.import_module(f"campaignkit.plugins.{plugin}.hookspecs")
    return modules


def declared_hooks() -> dict[str, tuple[str, ModuleType]]:
    """Every hookspec name mapped to its banner group and the module declaring it."""
    hooks: dict[str, tuple[str, ModuleType]] = {}
    for module in spec_modules().values():
        group = ""
        for line in Path(module.__file__).read_text(encoding="utf-8").splitlines():
            if banner := BANNER.match(line):
                group = banner["group"]
            elif spec := SPEC_DEF.match(line):
                assert spec["name"] not in hooks, f"{spec['name']} is declared twice"
                hooks[spec["name"]] = (group, module)
    return hooks


def documented_hooks() -> dict[str, dict]:
    """Every hook heading in docs/hooks.md: its group, its arguments and its section text."""
    hooks: dict[str, dict] = {}
    group = ""
    current: dict | None = None
    for line in HOOKS_DOC.read_text(encoding="utf-8").splitlines():
        if heading := GROUP_HEADING.match(line):
            group, current = heading["group"], None
        elif heading := HOOK_HEADING.match(line):
            args = [a.strip() for a in heading["args"].split(",") if a.strip()]
            assert heading["name"] not in hooks, f"{heading['name']} is documented twice"
            current = hooks[heading["name"]] = {"group": group, "args": args, "text": ""}
        elif current is not None:
            current["text"] += line + "\n"
    return hooks


def spec_function(name: str):
    """The hookspec function itself."""
    return getattr(declared_hooks()[name][1], name)


def spec_arguments(name: str) -> list[str]:
    """The hook's arguments, in order."""
    return list(inspect.signature(spec_function(name)).parameters)


def test_the_parsers_find_hooks():
    declared = declared_hooks()
    assert len(declared) >= 5
    for module in spec_modules().values():
        assert {name for name, (_, m) in declared.items() if m is module} == {
            name
            for name, value in vars(module).items()
            if name.startswith("campaignkit_") and hasattr(value, "campaignkit_spec")
        }
    assert {"campaignkit_pledge_signed", "campaignkit_pledge_next_steps"} <= set(declared)
    assert len(documented_hooks()) >= 5


@pytest.mark.parametrize("plugin", sorted(set(spec_modules()) - {"core"}))
def test_a_plugins_hooks_exist_when_it_is_enabled(plugin: str):
    module = spec_modules()[plugin]
    own = {name for name, (_, m) in declared_hooks().items() if m is module}
    manager = build_manager([plugin])
    assert all(getattr(manager.hook, name).has_spec() for name in own)
    assert not any(hasattr(build_manager([]).hook, name) for name in own)


def test_every_hookspec_is_documented():
    missing = sorted(set(declared_hooks()) - set(documented_hooks()))
    assert not missing, f"hooks missing from docs/hooks.md: {missing}"


def test_every_documented_hook_exists():
    unknown = sorted(set(documented_hooks()) - set(declared_hooks()))
    assert not unknown, f"docs/hooks.md documents hooks that do not exist: {unknown}"


@pytest.mark.parametrize("name", sorted(declared_hooks()))
def test_the_documented_arguments_and_group_match(name: str):
    documented = documented_hooks().get(name)
    if documented is None:
        pytest.skip("reported by test_every_hookspec_is_documented")
    arguments = spec_arguments(name)
    assert documented["args"] == arguments, f"{name}: docs/hooks.md says {documented['args']}"
    banner = declared_hooks()[name][0]
    assert documented["group"].lower() == banner.lower(), (
        f"{name} is under '## {documented['group']}' in docs/hooks.md "
        f"but under the '{banner}' banner in its hookspecs file"
    )
    assert "Returns" in documented["text"] and "```python" in documented["text"], (
        f"{name}: say what it returns and give an example"
    )


@pytest.mark.parametrize("name", sorted(declared_hooks()))
def test_the_examples_implement_the_hook_with_its_arguments(name: str):
    documented = documented_hooks().get(name)
    if documented is None:
        pytest.skip("reported by test_every_hookspec_is_documented")
    examples = list(EXAMPLE_IMPL.finditer(documented["text"]))
    assert name in [e["name"] for e in examples], f"{name}: no @hookimpl example of it"
    for example in examples:
        hook = example["name"]
        assert hook in declared_hooks(), f"{name}: the example implements unknown {hook}"
        taken = [a.split(":")[0].split("=")[0].strip() for a in example["args"].split(",")]
        extra = [a for a in taken if a and a not in spec_arguments(hook)]
        assert not extra, f"{name}: the example's {hook} takes {extra}, which it is not given"


@pytest.mark.parametrize("name", sorted(declared_hooks()))
def test_firstresult_hooks_say_so(name: str):
    documented = documented_hooks().get(name)
    if documented is None:
        pytest.skip("reported by test_every_hookspec_is_documented")
    firstresult = spec_function(name).campaignkit_spec["firstresult"]
    says_so = "first non-None" in documented["text"]
    assert says_so == firstresult, (
        f"{name}: firstresult is {firstresult}; its section should "
        f"{'' if firstresult else 'not '}say it stops at the first non-None result"
    )
