"""Benchmark: cascade link resolution over HTTP against ``campaignkit serve``, with lost counts.

Builds a throwaway instance (SQLite unless ``--postgres ADMIN_URL`` is given)
with a running cascade and the open rate limit out of the way, starts the
production server (gunicorn) and, from ``--clients`` threads each keeping its
own connection, first GETs ``/healthz`` (a bare route) for ``--seconds``, then
resolves cascade links (``/c/<code>``, answered by a 303 to the message
page, which is not fetched) for ``--seconds``: every open comes from a new
browser (no cookie), under the link this thread opened last, so the tree
grows generations. Prints opens per second, the ratio to the bare route (target
>= 0.7), errors, and the lost (answered but not stored) and extra (stored
but not answered) nodes, which must both be 0.

    python bench/cascade.py [--clients 64] [--seconds 10] [--workers 2] [--postgres ADMIN_URL]
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import _server
from sqlalchemy import func, select

from campaignkit.plugins.cascade.models import RUNNING, TARGETS, Cascade, Node

OWN_CODE = re.compile(r"/c/([^/]+)/message$")
ROOT = "1-benchmarkroot"


def open_link(client: _server.Client, state: dict) -> tuple[bool, str | None]:
    """Resolve the last link as a new browser (no cookie): a 303 to the message page of the
    node it made; the next open goes under that node."""
    client.connection.request("GET", f"/c/{state['parent']}")
    response = client.connection.getresponse()
    response.read()
    found = OWN_CODE.match(response.getheader("Location") or "")
    if response.status != 303 or found is None:
        return False, None
    state["parent"] = found.group(1)
    return True, found.group(1)


def make_instance(folder: Path, database_url: str | None) -> Path:
    """A new instance with a running cascade whose root code is ``ROOT`` and no open limit."""
    # Only the plugins the page needs.
    settings = {"cascade": {"open_rate": "1000000 per minute"}}
    path, app = _server.new_instance(
        folder, settings, database_url, ["share", "marginals", "cascade"]
    )
    now = datetime.now(UTC)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Cascade(id=1, title="Vote today", text="Polls close at 10pm. Pass it on!",
                            link="https://example.org", status=RUNNING,
                            created_at=now))  # fmt: skip
        session.flush()
        session.add(Node(code=ROOT, cascade_id=1, parent_id=None, generation=0, opened_at=now,
                         **{f"forwards_{t}": 0 for t in TARGETS}))  # fmt: skip
    app.extensions["campaignkit"].database.dispose()
    return path


def main() -> None:
    """Run the benchmark and print the figures."""
    args = _server.load_arguments(__doc__.splitlines()[0])
    with _server.running(args, make_instance) as run:
        bare_ok, bare_errors, _ = run.phase(_server.bare)
        opened, errors, acknowledged = run.phase(open_link, lambda _client, _n: {"parent": ROOT})
        run.stop()
        with _server.stored_data(run.instance) as session:
            stored = set(session.scalars(select(Node.code).where(Node.parent_id.is_not(None))))
            deepest = session.scalar(select(func.max(Node.generation)))
    bare_rate = _server.print_setup(args, bare_ok, bare_errors)
    open_rate = opened / args.seconds
    print(f"link resolution (/c/<code>, a new node each): {open_rate:.0f} opens/s, {errors} errors")
    print(f"ratio opens/bare: {open_rate / bare_rate:.2f} (target >= 0.7)")
    lost, extra = len(set(acknowledged) - stored), len(stored - set(acknowledged))
    print(f"lost: {lost}, extra: {extra} (nodes {len(stored)}, answered {len(acknowledged)},"
          f" deepest generation {deepest})")  # fmt: skip


if __name__ == "__main__":
    main()
