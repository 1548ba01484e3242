"""docs/hooks.md documents exactly the hooks in campaignkit/core/hookspecs.py.

Each hook is a ``### `campaignkit_name(arg, ...)` `` heading under a ``## Group``
heading named like the banner comment it sits under in hookspecs.py. The test
fails when a hook is missing from the page, when the page documents a hook that
does not exist, when the arguments or the group differ, or when a firstresult
hook's section does not say that it stops at the first non-None result.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from campaignkit.core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS_DOC = ROOT / "docs" / "hooks.md"
HOOKSPECS = Path(hookspecs.__file__)

BANNER = re.compile(r"^# -{3,} (?P<group>.+?)\s*$")
SPEC_DEF = re.compile(r"^def (?P<name>campaignkit_\w+)\(")
GROUP_HEADING = re.compile(r"^## (?P<group>.+?)\s*$")
HOOK_HEADING = re.compile(r"^### `?(?P<name>campaignkit_\w+)\((?P<args>[^)]*)\)`?\s*$")


def declared_hooks() -> dict[str, str]:
    """Every hookspec name mapped to the banner group it is declared under."""
    hooks: dict[str, str] = {}
    group = ""
    for line in HOOKSPECS.read_text(encoding="utf-8").splitlines():
        if banner := BANNER.match(line):
            group = banner["group"]
        elif spec := SPEC_DEF.match(line):
            hooks[spec["name"]] = group
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
    return getattr(hookspecs, name)


def test_the_parsers_find_hooks():
    assert len(declared_hooks()) >= 5
    assert set(declared_hooks()) == {
        name
        for name, value in vars(hookspecs).items()
        if name.startswith("campaignkit_") and hasattr(value, "campaignkit_spec")
    }
    assert len(documented_hooks()) >= 5


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
    arguments = list(inspect.signature(spec_function(name)).parameters)
    assert documented["args"] == arguments, f"{name}: docs/hooks.md says {documented['args']}"
    banner = declared_hooks()[name]
    assert documented["group"].lower() == banner.lower(), (
        f"{name} is under '## {documented['group']}' in docs/hooks.md "
        f"but under the '{banner}' banner in hookspecs.py"
    )
    assert "Returns" in documented["text"] and "```python" in documented["text"], (
        f"{name}: say what it returns and give an example"
    )


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
