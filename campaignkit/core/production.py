"""Serving an instance in production through gunicorn, from Python rather than a config file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication

#: Settings only newer gunicorn versions know; skipped on older ones.
NEWER_SETTINGS = {"control_socket_disable"}
#: gunicorn settings under which no peer may set the scheme or the script name by header.
NO_FORWARDED_TRUST = {
    "forwarded_allow_ips": "",
    "secure_scheme_headers": {},
    "forwarder_headers": "",
}


class CampaignKitServer(BaseApplication):
    """A gunicorn application that builds the instance's app in every worker."""

    def __init__(self, instance_dir: Path, options: dict):
        self.instance_dir = instance_dir
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn, leaving out settings this version does not have."""
        for key, value in self.options.items():
            if key in NEWER_SETTINGS and key not in self.cfg.settings:
                continue
            self.cfg.set(key, value)

    def load(self):  # noqa: ANN201 - a WSGI app
        """Build the app (once per worker process, after the fork), then warm it up."""
        from campaignkit.core.app import create_app

        app = create_app(self.instance_dir)
        warm_up(app)
        return app


def warm_up(app) -> None:  # noqa: ANN001 - a Flask app
    """Call every plugin's ``campaignkit_warm_up`` in an app context (failures are logged)."""
    from campaignkit.core.state import call_plugins

    with app.app_context():
        call_plugins("campaignkit_warm_up")


#: Where prometheus_client's multiprocess mode keeps each worker's counts.
METRICS_FOLDER_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _worker_exited(_server, worker) -> None:  # noqa: ANN001 - gunicorn's arbiter and worker
    """Drop an exited worker's live gauges; its counters stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def metrics_folder() -> tuple[str, bool]:
    """The folder the workers' metrics go to, and whether ``serve`` made it (and removes it).

    A fresh folder for each ``serve``, unless ``PROMETHEUS_MULTIPROC_DIR`` names
    one already (a folder a process manager empties before each start).
    """
    given = os.environ.get(METRICS_FOLDER_ENV)
    if given:
        return given, False
    folder = tempfile.mkdtemp(prefix="campaignkit-metrics-")
    os.environ[METRICS_FOLDER_ENV] = folder  # the workers inherit it
    return folder, True


def serve_with_gunicorn(instance_dir: Path, bind: str, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground until it is stopped.

    Each worker counts its requests in ``PROMETHEUS_MULTIPROC_DIR``, so that
    ``/metrics``, whichever worker answers it, adds up all of them.
    """
    folder, made = metrics_folder()
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        # gunicorn would take X-Forwarded-Proto (and SCRIPT_NAME headers) from
        # 127.0.0.1 and from any unix-socket peer; the app's ProxyFix trusts
        # exactly ``[server] trusted_proxy_hops`` proxies, so gunicorn trusts none.
        **NO_FORWARDED_TRUST,
        # gunicorn >= 25.1 opens a control socket at one path per user (in
        # $XDG_RUNTIME_DIR or ~/.gunicorn), which a second instance served by
        # the same user would take over; campaignkit does not use it.
        "control_socket_disable": True,
        "child_exit": _worker_exited,
    }
    try:
        CampaignKitServer(instance_dir, options).run()
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
