"""The election-day benchmark's site: a UK-kit instance on PostgreSQL and Redis with realistic
data, and the two production servers on it.

Not a benchmark itself (bench/_*.py are helpers). The data: the kit's 650 seats and district
table, the 2024 results and a sample of real postcodes from ``../shared/data/uk`` when the
files are there (imported with the plugin's own commands), ~21,000 approved events at postcode
districts all over Great Britain, and an open pledge.
"""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _server
import _services
import tomlkit
from sqlalchemy import insert, select

from campaignkit.core.events.models import Event
from campaignkit.plugins.pledges.models import Pledge

ROOT = Path(__file__).resolve().parents[1]
SHARED_UK = ROOT.parent / "shared" / "data" / "uk"
KIT_DATA = ROOT / "campaignkit" / "kits" / "uk" / "data"
#: How long a server may take to boot its workers (seconds; a busy machine is slow).
START_LIMIT_S = 180
#: The pledge every simulated supporter signs.
PLEDGE = "polling-week"


def progress(message: str) -> None:
    """Say how the set-up goes (on standard error, so the figures stay apart)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Site:
    """What the simulated supporters ask about: postcodes, districts and event ids."""

    instance: Path
    postcodes: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    rsvp_event_ids: list[int] = field(default_factory=list)


def _districts() -> list[dict[str, str]]:
    """Postcode districts with their centre and seat (the shared table, else the kit's)."""
    path = SHARED_UK / "postcode_districts_gb.csv"
    path = path if path.is_file() else KIT_DATA / "districts.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("lat") and row.get("lon")]
    return [  # the kit's table names its columns "code" and "seat"
        {"district": r.get("district") or r["code"], "lat": r["lat"], "lon": r["lon"],
         "seat": r.get("pcon24cd") or r.get("seat") or ""}
        for r in rows
    ]  # fmt: skip


def sample_postcodes(source: Path, target: Path, every: int) -> list[str]:
    """Copy every ``every``-th postcode (with a position) of a Code-Point Open zip into a
    smaller zip of the same layout; returns the postcodes copied."""
    kept: list[str] = []
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for member in archive.namelist():
            if "/Data/CSV/" not in member or not member.endswith(".csv"):
                continue
            lines = archive.read(member).decode("utf-8").splitlines()
            rows = [r for r in csv.reader(lines[::every]) if r and r[2] != "0" and r[3] != "0"]
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            out.writestr(member, buffer.getvalue())
            kept += [row[0] for row in rows]
    return kept


def _campaignkit(instance: Path, *arguments: str) -> None:
    command = [str(_server.CAMPAIGNKIT), "--instance", str(instance), *arguments]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def _add_events(app, districts: list[dict[str, str]], count: int, rng: random.Random) -> None:  # noqa: ANN001
    """``count`` approved events over the next eight weeks at districts, jittered ~2 km."""
    now = datetime.now(UTC)
    rows = []
    for number in range(count):
        place = rng.choice(districts)
        start = now + timedelta(days=rng.randint(1, 56), hours=rng.randint(0, 10))
        rows.append(dict(
            type=rng.choice(("canvass", "canvass", "phonebank", "social", "training")),
            title=f"Canvass {place['district']} #{number}", description="Door knocking.",
            starts_at=start, ends_at=start + timedelta(hours=3), timezone="Europe/London",
            venue="Community hall", address="", postcode=place["district"],
            lat=float(place["lat"]) + rng.uniform(-0.02, 0.02),
            lon=float(place["lon"]) + rng.uniform(-0.03, 0.03),
            seat_code=place["seat"] or None, capacity=rng.choice((None, 10, 20, 40)),
            going=0, members_only=False, accessibility="", status="approved",
            moderation_note="", created_at=now, updated_at=now,
        ))  # fmt: skip
    with app.extensions["campaignkit"].database.write() as session:
        session.execute(insert(Event), rows)


def build_site(folder: Path, database_url: str, redis_url: str, events: int, every: int) -> Site:
    """A new migrated instance with the data above; ``every``: keep every N-th postcode."""
    settings = {"pledges": {"double_opt_in": False, "sign_rate": "1000000 per minute"}}
    instance, app = _server.new_instance(folder / "instance", settings, database_url)
    progress("instance migrated")
    rng = random.Random(2019)
    districts = _districts()
    _add_events(app, districts, events, rng)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Pledge(slug=PLEDGE, title="I will vote on Thursday", text="I pledge to vote.",
                           goal=1_000_000, status="open", signed_count=0, share_text="",
                           created_at=datetime.now(UTC)))  # fmt: skip
    with app.extensions["campaignkit"].database.new_session() as session:
        ids = list(session.scalars(select(Event.id)))
        rsvp_ids = list(session.scalars(select(Event.id).where(Event.capacity.is_not(None))))
    app.extensions["campaignkit"].database.dispose()
    config = instance / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    document["campaign"]["redis_url"] = redis_url
    # The servers stand behind a (simulated) proxy: each supporter sends their own address.
    document.setdefault("server", tomlkit.table())["trusted_proxy_hops"] = 1
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    site = Site(instance, districts=[d["district"] for d in districts], event_ids=ids,
                rsvp_event_ids=rng.sample(rsvp_ids, min(200, len(rsvp_ids))))  # fmt: skip
    progress(f"{len(ids)} events and a pledge stored")
    if (SHARED_UK / "ge2024_results.csv").is_file():
        _campaignkit(instance, "marginals", "import-results", str(SHARED_UK / "ge2024_results.csv"))
    if (SHARED_UK / "codepo_gb.zip").is_file():
        sample = folder / "codepo_sample.zip"
        site.postcodes = sample_postcodes(SHARED_UK / "codepo_gb.zip", sample, every)
        _campaignkit(instance, "marginals", "import-postcodes", str(sample))
        progress(f"results and {len(site.postcodes)} postcodes imported")
    else:  # the kit's district centres answer district queries
        site.postcodes = list(site.districts)
    return site


class Server:
    """One ``campaignkit serve`` (gunicorn) on the site, on a fixed port so it can come back."""

    def __init__(self, instance: Path, number: int, workers: int, threads: int) -> None:
        self.instance, self.workers, self.threads = instance, workers, threads
        self.port = _services.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = instance.parent / f"serve{number}.log"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        """Start the server and wait until each of its workers has booted."""
        command = [str(_server.CAMPAIGNKIT), "--instance", str(self.instance), "serve",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--threads", str(self.threads)]  # fmt: skip
        with self.log.open("a") as handle:
            offset = handle.tell()
            self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_LIMIT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            text = self.log.read_text()[offset:]
            if text.count("Booting worker") >= self.workers:
                time.sleep(1)
                return
            time.sleep(0.1)
        raise SystemExit(f"the server did not start:\n{self.log.read_text()[offset:]}")

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as when its machine dies."""
        for pid in [*_server.worker_pids(self.process.pid), self.process.pid]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server (SIGTERM) if it runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def start_servers(site: Site, count: int, workers: int, threads: int) -> list[Server]:
    """``count`` ``campaignkit serve`` processes on the site."""
    return [Server(site.instance, number, workers, threads) for number in range(count)]
