"""Serving an instance in production through gunicorn, from Python rather than a config file."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication


class CampaignKitServer(BaseApplication):
    """A gunicorn application that builds the instance's app in every worker."""

    def __init__(self, instance_dir: Path, options: dict):
        self.instance_dir = instance_dir
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Hand our options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # noqa: ANN201 - a WSGI app
        """Build the app (once per worker process, after the fork)."""
        from campaignkit.core.app import create_app

        return create_app(self.instance_dir)


def serve_with_gunicorn(instance_dir: Path, bind: str, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground until it is stopped."""
    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        "forwarded_allow_ips": "127.0.0.1,::1",
    }
    CampaignKitServer(instance_dir, options).run()
