"""Absolute links come from ``[server] public_url``, never from the request.

A request's ``Host`` header (and ``X-Forwarded-Host`` behind a proxy) is
whatever the client sent. Links that leave the site (mail, feeds, the JSON
API, share links, Open Graph tags, embed code) must not take their address
from it, or a forged header would mail people a real password-reset token
inside someone else's address. So the app's ``url_for`` builds every external
URL from the configured public URL: scheme, host, port and path prefix, inside
a request or outside one. Links inside a page stay relative, as Flask makes them.

``[server] allowed_hosts`` adds the second line of defence: when it is set,
Flask's ``TRUSTED_HOSTS`` answers 400 to a request for any other host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.routing import BuildError, MapAdapter
from werkzeug.sansio.utils import host_is_trusted

#: Hosts that only reach this machine; a public URL on one of them is a test or a demo.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Characters Flask leaves unquoted in a URL's ``#anchor``.
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


class CampaignFlask(Flask):
    """Flask, with external URLs built from the instance's public URL.

    ``url_for(..., _external=True)``, and every ``url_for`` outside a request
    (where Flask makes URLs external by default), gives
    ``<public_url><path>``. Templates and plugins use ``url_for`` as usual.
    """

    #: ``[server] public_url``, without a trailing slash; set by ``create_app``.
    public_url: str = "http://127.0.0.1:5000"

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Like ``Flask.url_for``; an external URL starts with ``public_url`` whatever the Host.

        An explicit ``_scheme`` replaces only the scheme; host, port and prefix stay public_url's.
        """
        in_request = has_request_context()
        if _external is None:
            _external = _scheme is not None or not in_request
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        if endpoint[:1] == ".":
            blueprint = request.blueprint if in_request else None
            endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        adapter = self._public_adapter(_scheme)
        try:
            url = adapter.build(endpoint, values, method=_method, force_external=True)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=True)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            url += "#" + quote(_anchor, safe=ANCHOR_SAFE)
        return url

    def _public_adapter(self, scheme: str | None) -> MapAdapter:
        """The URL map bound to ``public_url`` (and a scheme), bound once and then reused."""
        adapters = self.__dict__.setdefault("_public_adapters", {})
        key = (self.public_url, scheme)
        if key not in adapters:
            public = urlsplit(self.public_url)
            adapters[key] = self.url_map.bind(
                public.netloc, script_name=public.path or "/", url_scheme=scheme or public.scheme
            )
        return adapters[key]


def public_url_for(endpoint: str, **values: Any) -> str:
    """The full address of an endpoint, starting with ``[server] public_url``.

    Use it for every link that leaves the site: mail, feeds, share links,
    Open Graph tags, embed code. It never looks at the request's Host header,
    so it is safe to call while serving a request and in jobs and commands
    (any app context).
    """
    return current_app.url_for(endpoint, _external=True, **values)


#: A number no real id reaches, standing in for the id while a pattern is built.
_STAND_IN = 987_654_321_987_654_321


def public_url_pattern(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """A function giving an endpoint's full address for each whole number ``key``.

    For a list of many links to the same endpoint (an API page of events):
    the address is built once, by ``public_url_for``, and each link is then
    a string join. ``key`` must be an ``<int:...>`` part of the rule.
    """
    url = public_url_for(endpoint, **values, **{key: _STAND_IN})
    before, stand_in, after = url.partition(str(_STAND_IN))
    if not stand_in or str(_STAND_IN) in after:
        raise ValueError(f"{endpoint}: {key} is not a whole-number part of its address")
    return lambda number: f"{before}{int(number)}{after}"


def public_host() -> str:
    """The host name of ``[server] public_url`` (no port), e.g. for calendar UIDs."""
    return urlsplit(current_app.public_url).hostname or "localhost"


def is_loopback(public_url: str) -> bool:
    """Whether a public URL only reaches this machine (a test or a demo, not production)."""
    return urlsplit(public_url).hostname in LOOPBACK_HOSTS


def hosts_for(public_url: str) -> list[str]:
    """The ``allowed_hosts`` that match a public URL: both loopback names for a loopback one."""
    host = urlsplit(public_url).hostname or "localhost"
    return ["127.0.0.1", "localhost"] if host in LOOPBACK_HOSTS else [host]


def allows_host(allowed_hosts: tuple[str, ...], public_url: str) -> bool:
    """Whether a request for the public URL's own host passes ``allowed_hosts``."""
    return host_is_trusted(urlsplit(public_url).netloc, list(allowed_hosts))


def host_check_warning(public_url: str, allowed_hosts: tuple[str, ...]) -> str | None:
    """A warning when a public (not loopback) site answers requests for any Host, else None."""
    if allowed_hosts or is_loopback(public_url):
        return None
    return (
        f"[server] allowed_hosts is not set: the site at {public_url} answers requests "
        f'for any Host header; set allowed_hosts = ["{hosts_for(public_url)[0]}"]'
    )


def configure(app: CampaignFlask, public_url: str, allowed_hosts: tuple[str, ...]) -> None:
    """Build external URLs from ``public_url``; refuse other hosts (400) when any are listed."""
    app.public_url = public_url.rstrip("/")
    app.config["TRUSTED_HOSTS"] = list(allowed_hosts) or None
