"""Move bench/ to the end of ``sys.path``, so a benchmark's file name never hides a library.

Python puts a script's own folder first on ``sys.path``, so while ``python bench/pledges.py``
runs, ``import emoji`` (the library the emoji plugin uses) would find ``bench/emoji.py``.
Every benchmark imports this module before anything that loads the plugins; the helpers
beside it (``_server``, ``_bare_upload``, ...) still import, from the end of the path.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _is_bench(entry: str) -> bool:
    """Whether one ``sys.path`` entry ("" is the working folder) is the bench folder."""
    return Path(entry or ".").resolve() == BENCH


sys.path[:] = [entry for entry in sys.path if not _is_bench(entry)] + [str(BENCH)]
