"""Benchmark: apply a 20,000-entry blocklist to one connected X account against the fake X.

Builds a throwaway instance (SQLite), starts the fake X of the tests
(tests/plugins/blocklists/fake_x.py, imported by path) with a compressed clock (a
15-minute window lasting ``--window`` real seconds), stores a list of ``--entries``
accounts and one connected account subscribed to it, and runs the apply job in the
foreground. Prints the mutes per window against X's limit (50), and the total time as a
ratio to the theoretical minimum (entries / limit x window; target <= 1.01).

Then a second run on a fresh account: the job runs in a separate process that is killed
with SIGKILL half way, and is resumed. Prints the steps found "sent" at the restart and the
repeated (muted twice) and missed (never muted) calls, which must both be 0.

    python bench/blocklists.py [--entries 20000] [--window 1.5]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import tomlkit
from sqlalchemy import insert, select

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests" / "plugins" / "blocklists"))  # the fake X and its endpoints

from fake_x import WINDOW, Clock, serve  # noqa: E402

from campaignkit.core.app import create_app  # noqa: E402
from campaignkit.core.init_instance import init_instance  # noqa: E402
from campaignkit.plugins.blocklists import vault  # noqa: E402
from campaignkit.plugins.blocklists.applying import run_apply  # noqa: E402
from campaignkit.plugins.blocklists.credentials import seal  # noqa: E402
from campaignkit.plugins.blocklists.ledger import SENT, Step  # noqa: E402
from campaignkit.plugins.blocklists.models import LIVE, BlockList, Entry, now  # noqa: E402
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription  # noqa: E402
from campaignkit.testing import isolated_environ, migrate  # noqa: E402

LIMIT = 50  # X: mutes per user per 15 minutes


def make_instance(folder: Path, api_url: str) -> Path:
    """A throwaway instance with blocklists on, talking to the fake X."""
    path = init_instance(folder, kit="uk", name="Bench")
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    enabled = document.setdefault("plugins", tomlkit.table())
    if "enabled" in enabled and "blocklists" not in enabled["enabled"]:
        enabled["enabled"].append("blocklists")
    enabled["blocklists"] = {"x_api_url": api_url}
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def arrange(app, fake, slug: str, count: int):  # noqa: ANN001, ANN201
    """A fresh supporter on the fake, a list of `count` new accounts, and the connection."""
    me = fake.add_user(f"supporter-{slug}")
    token = fake.issue_token(me.id)
    targets = [fake.add_user(f"{slug}{i}").id for i in range(count)]
    with app.extensions["campaignkit"].database.write() as session:
        block_list = BlockList(slug=slug, title=slug, created_at=now())
        session.add(block_list)
        session.flush()
        stamp = now()
        session.execute(insert(Entry), [
            {"list_id": block_list.id, "platform": "x", "account_id": t, "handle": f"@{slug}{i}",
             "reason": "abuse", "status": LIVE, "added_at": stamp, "changed_at": stamp}
            for i, t in enumerate(targets)
        ])  # fmt: skip
        credentials = {"access_token": token, "refresh_token": "", "expires_at": 0}
        connection = Connection(user_id=1, platform="x", account_id=me.id, handle=me.username,
                                credentials=seal("x", credentials), created_at=stamp)  # fmt: skip
        session.add(connection)
        session.flush()
        session.add(Subscription(connection_id=connection.id, list_id=block_list.id,
                                 action="mute", mode="any", created_at=stamp))  # fmt: skip
        return me, targets, connection.id


def child(instance: str, connection_id: int, unix_start: float, start: float, speed: float) -> None:
    """The worker process of the second run: apply until killed (same clock as the fake)."""
    clock = Clock(speed)
    clock._unix_start, clock._start = unix_start, start
    app = create_app(Path(instance), environ=isolated_environ())
    with app.app_context():
        run_apply(connection_id, clock=clock, max_wait=float("inf"))


def main() -> None:
    """Run both runs and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--window", type=float, default=1.5, help="real seconds per 15 minutes")
    parser.add_argument("--no-kill", action="store_true", help="skip the second run")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        instance, connection_id, *clock = args.child
        child(instance, int(connection_id), *map(float, clock))
        return
    os.environ.setdefault(vault.KEYS_VARIABLE, vault.generate_key())
    with tempfile.TemporaryDirectory() as folder, serve(window_seconds=args.window) as fake:
        instance = make_instance(Path(folder) / "instance", fake.url)
        app = migrate(create_app(instance, environ=isolated_environ()))
        clock = fake.clock

        # ---- run 1: pacing ----
        me, targets, connection_id = arrange(app, fake, "paced", args.entries)
        started, real_started = clock.time(), time.monotonic()
        with app.app_context():
            outcome = run_apply(connection_id, clock=clock, max_wait=float("inf"))
        took, real = clock.time() - started, time.monotonic() - real_started
        usage = fake.window_usage(me, "POST", "muting")
        minimum = args.entries / LIMIT * WINDOW
        print(f"run 1: {outcome.done} of {outcome.total} steps, {outcome.state}, "
              f"{real:.1f} s real for {took / 60:.1f} platform minutes")  # fmt: skip
        print(f"mutes per window (limit {LIMIT}): max {max(usage)}, "
              f"windows {len(usage)}, counts {dict(sorted(Counter(usage).items()))}")  # fmt: skip
        over = sum(1 for c in fake.calls_to("POST", "/muting") if c.status == 429)
        print(f"429 answers: {over}; muted {len(set(me.muting) & set(targets))} of {len(targets)}")
        print(f"time / theoretical minimum ({minimum / 60:.0f} min): {took / minimum:.4f}")

        if args.no_kill:
            return
        # ---- run 2: killed half way, resumed ----
        me, targets, connection_id = arrange(app, fake, "killed", args.entries)
        command = [sys.executable, __file__, "--child", str(instance), str(connection_id),
                   str(clock._unix_start), str(clock._start), str(clock.speed)]  # fmt: skip
        worker = subprocess.Popen(command, env={**os.environ})
        while len(me.muting) < len(targets) // 2 and worker.poll() is None:
            time.sleep(0.001)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        with app.extensions["campaignkit"].database.new_session() as session:
            sent = len(session.scalars(select(Step.id).where(
                Step.connection_id == connection_id, Step.state == SENT)).all())  # fmt: skip
        at_kill = len(me.muting)
        with app.app_context():
            outcome = run_apply(connection_id, clock=clock, max_wait=float("inf"))
        answered = Counter(
            c.params.get("target_user_id") for c in fake.calls_to("POST", "/muting")
            if c.status == 200 and c.path.startswith(f"/2/users/{me.id}/")
        )  # fmt: skip
        repeated = sum(n - 1 for n in answered.values() if n > 1)
        missed = len(set(targets) - set(me.muting))
        print(f"run 2: killed (SIGKILL) after {at_kill} mutes with {sent} step(s) left 'sent'; "
              f"resumed: {outcome.done} of {outcome.total}, {outcome.state}")  # fmt: skip
        print(f"repeated calls: {repeated}, missed calls: {missed}")


if __name__ == "__main__":
    main()
