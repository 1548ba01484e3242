"""Private Redis and PostgreSQL servers for a benchmark: started on free ports in a temporary
folder, restartable (the fault runs stop and start them under load), removed afterwards.

Not a benchmark itself (bench/_*.py are helpers). Never touches a server it did not start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: Where Debian puts PostgreSQL's server programs (the newest version found is used).
POSTGRES_BIN = Path("/usr/lib/postgresql")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {seconds:g} s")


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        """The URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (again) on its port and wait until it answers."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the server (SIGTERM); what it held is gone, as after a real restart."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary folder), on a free port."""

    def __init__(self) -> None:
        versions = sorted(POSTGRES_BIN.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not versions:
            raise SystemExit("PostgreSQL's server programs are not installed (initdb not found)")
        self.bin = versions[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="ck-bench-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        initdb = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "--no-sync", "-E", "UTF8"]  # fmt: skip
        self._run(initdb)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n")
            conf.write(f"unix_socket_directories = '{self.folder}'\nmax_connections = 200\n")
        self.start()

    def _run(self, command: list[str]) -> None:
        subprocess.run([*self._as_owner, *command], check=True, stdout=subprocess.DEVNULL)

    @property
    def admin_url(self) -> str:
        """The superuser's URL (trusted on 127.0.0.1)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self, name: str) -> str:
        """Create a database; returns its URL (for SQLAlchemy with psycopg 3)."""
        self._run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                   "-U", "postgres", name])  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        log = self.folder / "server.log"
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "start"])
        _wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster: ``fast`` ends every session (a restart), ``immediate`` crashes it."""
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def remove(self) -> None:
        """Stop the cluster if it runs and delete its folder."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
