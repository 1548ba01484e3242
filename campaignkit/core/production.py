"""Serving an instance in production through gunicorn, from Python rather than a config file."""

from __future__ import annotations

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
        # gunicorn would take X-Forwarded-Proto (and SCRIPT_NAME headers) from
        # 127.0.0.1 and from any unix-socket peer; the app's ProxyFix trusts
        # exactly ``[server] trusted_proxy_hops`` proxies, so gunicorn trusts none.
        **NO_FORWARDED_TRUST,
        # gunicorn >= 25.1 opens a control socket at one path per user (in
        # $XDG_RUNTIME_DIR or ~/.gunicorn), which a second instance served by
        # the same user would take over; campaignkit does not use it.
        "control_socket_disable": True,
    }
    CampaignKitServer(instance_dir, options).run()
