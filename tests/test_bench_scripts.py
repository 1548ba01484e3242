"""The benchmarks start cleanly: no file in bench/ hides a library the plugins import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(path for path in BENCH.glob("*.py") if not path.name.startswith("_"))


def _imported_modules(script: Path) -> list[str]:
    """The top-level modules a script imports at module level, in order."""
    names = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module.split(".")[0])
    return names


def test_every_benchmark_moves_bench_to_the_end_of_the_path_before_loading_campaignkit():
    for script in SCRIPTS:
        modules = _imported_modules(script)
        assert "_path" in modules, f"{script.name} does not import _path"
        if "campaignkit" in modules:
            assert modules.index("_path") < modules.index("campaignkit"), script.name


def test_bench_emoji_does_not_hide_the_emoji_library():
    # Run as a benchmark is run: bench/ first on sys.path, as Python does for a script there.
    code = (
        f"import sys; sys.path.insert(0, {str(BENCH)!r}); "
        "import _path, emoji; print(emoji.__file__)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert Path(found).resolve() != BENCH / "emoji.py"
    assert (BENCH / "emoji.py").exists()  # the benchmark the emoji issue names
