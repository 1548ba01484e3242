"""The fuzz run's summary table, also when pytest-xdist spreads the routes over workers.

Each worker hands its ``STATS`` to the controller at the end (``hand_over``), the
controller adds them up (``take_over``) and prints one table (``write_table``).
The suite's top ``conftest.py`` calls these from pytest's hooks.
"""

from __future__ import annotations

from fuzz_record import STATS


def hand_over(workeroutput: dict) -> None:
    """Put this worker's request counts where pytest-xdist sends them to the controller."""
    workeroutput["fuzz_stats"] = [
        [route, backend, dict(counts)] for (route, backend), counts in STATS.items()
    ]


def take_over(workeroutput: dict) -> None:
    """Add the counts one worker handed over."""
    for route, backend, counts in workeroutput.get("fuzz_stats", []):
        STATS[(route, backend)].update(counts)


def write_table(terminalreporter) -> None:  # noqa: ANN001 - pytest's TerminalReporter
    """A table: requests sent and 5xx answers per route and backend."""
    if not STATS:
        return
    backends = sorted({backend for _, backend in STATS})
    routes = sorted({route for route, _ in STATS})
    width = max(len(r) for r in routes)
    write = terminalreporter.write_line
    terminalreporter.section("fuzzing: requests and 5xx answers per route")
    write(f"{'route':<{width}}  " + "  ".join(f"{b + ' req':>14} {'5xx':>5}" for b in backends))
    totals = {b: [0, 0] for b in backends}
    for route in routes:
        cells = []
        for backend in backends:
            counts = STATS.get((route, backend), {})
            sent, errors = counts.get("requests", 0), counts.get("5xx", 0)
            totals[backend][0] += sent
            totals[backend][1] += errors
            cells.append(f"{sent:>14} {errors:>5}")
        write(f"{route:<{width}}  " + "  ".join(cells))
    cells = [f"{totals[b][0]:>14} {totals[b][1]:>5}" for b in backends]
    write(f"{'total':<{width}}  " + "  ".join(cells))
