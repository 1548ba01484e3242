"""Fuzz one route: learn its inputs, sweep the classic bad values through each, then explore.

For a route (a rule of ``app.url_map``) the fuzzer:

1. picks who asks: anonymous when the route answers strangers, else a signed-in admin
   (a new account per route; public routes are also explored as the admin);
2. probes it once with real path values and a valid form, noting the query and form keys
   the view reads (``fuzz_record.READ``) and the fields of the forms its page shows;
3. sweeps: every key gets every ``CLASSIC`` value once (the rest of the form valid, a valid
   CSRF token), and every path parameter every ``HOSTILE_PATH`` value;
4. explores with Hypothesis: path values real or hostile, query strings and forms mixing
   hostile and generated values, repeated keys (arrays), missing fields, JSON bodies, and
   POSTs with a valid, a missing or a forged CSRF token.

A request fails when it answers 5xx (or raises), or when it was refused and yet changed the
number of rows in a table. Refused means a status of 400 or more, or an "error" flash
added to the session (the RSVP, carpool-claim, co-host and mailing forms answer 303 with
one). Tables that count refusals on purpose (sign-in failures, throttles, audit logs;
see ``fuzz_site.LOGGED_TABLES``) are left out.

The site is shared by every route of a backend, so a page can fail because of a row an
earlier request stored (an event saved with a far date breaks the pages that list it):
the failure then names the route that could not show it. Redirects after a POST are
followed, as a browser would, so "saved, then its page is a 500" is caught at the POST.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from fuzz_inputs import CLASSIC, HOSTILE_PATH, MEGABYTE, field_value, json_values, shown
from fuzz_record import READ, Failure, Failures
from fuzz_site import DRAFT_SLUG, PLEDGE_SLUG, SEAT_CODE, Site
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
REAL_VALUES = {
    "slug": [PLEDGE_SLUG, DRAFT_SLUG], "code": [SEAT_CODE], "filename": ["base.css"],
    "platform": ["whatsapp", "slack"], "ext": ["png", "webp"],
}  # fmt: skip
#: Keys every route is offered besides the ones it reads.
COMMON_KEYS = ("page", "limit", "per_page", "next", "q", "from", "to", "id", "csrf_token")
MAX_SWEPT_KEYS = 16


class _Forms(HTMLParser):
    """The named fields of a page's POST forms, with the values they show."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.posting = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Note inputs, text areas and selects inside POST forms."""
        found = dict(attrs)
        if tag == "form":
            self.posting = (found.get("method") or "").lower() == "post"
        elif self.posting and tag in ("input", "textarea", "select") and found.get("name"):
            if found.get("type") in ("checkbox", "radio") and "checked" not in found:
                self.fields.setdefault(found["name"], "")
            else:
                self.fields[found["name"]] = found.get("value") or ""


def signin_needed(response: Any) -> bool:
    """Whether a response turns a stranger away (to the sign-in page, or 401/403)."""
    if response.status_code in (401, 403):
        return True
    return 300 <= response.status_code < 400 and "/signin" in response.headers.get("Location", "")


class RouteFuzzer:
    """The fuzzer for one rule on one site."""

    def __init__(
        self, site: Site, rule: Rule, baseline: dict[str, str], stats: Counter,
        refuses_with_200: bool = False,
    ) -> None:  # fmt: skip
        self.site, self.rule, self.stats = site, rule, stats
        self.refuses_with_200 = refuses_with_200  # a POST answered 200 re-shows the form
        self.name = f"{'/'.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))} {rule.rule}"
        # Forms and pages are GET and POST; a route with neither (a tus upload's PATCH and
        # DELETE, say) is fuzzed with the methods it has, as body-less requests.
        self.methods = sorted(rule.methods & {"GET", "POST"}) or sorted(
            rule.methods & {"PATCH", "DELETE", "PUT"}
        )
        self.failures = Failures()
        self.clients = {"anonymous": site.client(), "admin": site.signed_in("admin")}
        self.tokens: dict[str, str] = {}
        fresh = site.fresh_rows(self.clients["admin"], set(rule.arguments))
        mailed = site.mailed_values(rule.endpoint) if rule.arguments else {}
        self.real = {
            name: list(dict.fromkeys([fresh[name]] if name in fresh else []))
            + self._real_values(name, mailed)
            for name in rule.arguments
        }
        self.serial = itertools.count(1)
        self.counts = site.row_counts()
        self.baseline = dict(baseline)
        self.keys: set[str] = set(baseline)
        self.personas = ["anonymous", "admin"]

    def close(self) -> None:
        """Retire the route's admin, so later routes do not mail it."""
        self.site.retire(self.clients["admin"].email)

    # ------------------------------------------------------------ requests

    def _real_values(self, name: str, mailed: dict[str, list[str]]) -> list[str]:
        if name in mailed:  # tokens from links in the mail sent so far
            return mailed[name]
        if name == "code":  # a seat's code, and the cascade links that were issued
            return REAL_VALUES[name] + self.site.cascade_codes
        if name in REAL_VALUES:
            return REAL_VALUES[name]
        stem = name.removesuffix("_id")
        plural = f"{stem[:-1]}ies" if stem.endswith("y") else f"{stem}s"  # blocklists_entries
        tables = [t for t in self.site.tables if t.endswith(plural)] or [
            t
            for t in self.site.tables
            if t.endswith(f"_{stem}")  # emoji_art
        ]
        return [str(i) for i in dict.fromkeys(self.site.ids(tables[0]))] if tables else []

    def path(self, values: dict[str, str]) -> str:
        """The rule's path with the values put in (quoted as a browser would)."""
        return PLACEHOLDER.sub(lambda m: quote(str(values[m.group(2)]), safe=""), self.rule.rule)

    def _csrf(self, persona: str) -> str:
        if persona not in self.tokens:
            self.tokens[persona] = self.site.csrf_token(self.clients[persona])
        return self.tokens[persona]

    def _error_flashes(self, client: Any) -> int:
        cookie = client.get_cookie(self.site.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return 0
        serializer = self.site.app.session_interface.get_signing_serializer(self.site.app)
        flashes = serializer.loads(cookie.value).get("_flashes", [])  # signed by the app itself
        return sum(1 for category, _ in flashes if category == "error")

    def send(self, persona: str, method: str, path: dict, query: Any = (), **body: Any) -> Any:
        """Send one request as a persona and check what it did; ``body``: form, json, csrf.

        Returns the response (None when the app raised).
        """
        client, csrf = self.clients[persona], body.pop("csrf", "valid")
        query = [
            (k, v) for k, value in query for v in (value if isinstance(value, list) else [value])
        ]
        headers, form = {}, body.get("form")
        if form is not None:  # "{n}" in a baseline: a new address or slug for each request
            form = MultiDict(
                (k, v.replace("{n}", str(next(self.serial))) if isinstance(v, str) else v)
                for k, v in MultiDict(form).items(multi=True)
            )
        if method != "GET" and csrf != "missing":
            token = self._csrf(persona) if csrf == "valid" else "forged-" + "0" * 40
            if form is not None:
                form = MultiDict(form)
                form.setlist("csrf_token", [token])
            headers["X-CSRFToken"] = token
        url = self.path(path)
        described = (url, query, form, body.get("json", ...))
        flashes_before = self._error_flashes(client)
        kwargs = (
            {"data": form} if form is not None else {"json": body["json"]} if "json" in body else {}
        )
        READ.clear()
        response, status, outcome = self._open(
            client, url, method, MultiDict(query), headers, kwargs
        )
        self.keys |= {k for k in READ if k != "csrf_token"}
        refused = (
            status >= 400
            or (method == "POST" and status == 200 and self.refuses_with_200)
            or self._error_flashes(client) > flashes_before
        )
        location = response.headers.get("Location", "") if response is not None else ""
        answered = outcome
        if method == "POST" and 300 <= status < 400 and location.startswith("/"):
            # Where a browser goes next: what the request stored must not break that page.
            _, status, outcome = self._open(client, location, "GET", None, {}, {})
            outcome = f"{outcome} on GET {location} after the redirect"
        if status >= 500:
            self.stats["5xx"] += 1
            self._fail(outcome, persona, method, csrf, described)
            self.counts = self.site.row_counts()  # the 5xx is the failure; start afresh
            return response
        if status == 400 and csrf == "valid" and b"CSRF" in response.data:
            self.tokens.pop(persona, None)  # the session was reset (signed out): fetch a new one
        counts = self.site.row_counts()
        if refused and counts != self.counts:
            changed = {
                t: after - before
                for t, before, after in zip(self.site.tables, self.counts, counts, strict=True)
                if before != after
            }
            outcome = f"refused ({answered}) but stored {changed}"
            self._fail(outcome, persona, method, csrf, described)
        self.counts = counts
        return response

    def _open(self, client: Any, url: str, method: str, query: Any, headers: dict, body: dict):  # noqa: ANN202
        """Send a request: (the response or None, the status, what happened in words)."""
        self.stats["requests"] += 1
        try:
            response = client.open(url, method=method, query_string=query, headers=headers, **body)
        except Exception as exc:  # noqa: BLE001 - a 500 as the test client raises it
            cause = getattr(exc, "orig", None) or exc  # the driver's error behind SQLAlchemy's
            message = (str(cause).splitlines() or [""])[0][:200]
            kind = type(exc).__name__
            kind += f" ({type(cause).__name__})" if type(cause) is not type(exc) else ""
            return None, 500, f"500 {kind}: {message}"
        return response, response.status_code, f"status {response.status_code}"

    def _fail(self, outcome: str, persona: str, method: str, csrf: str, described: tuple) -> None:
        kind = re.sub(r"\d+", "N", outcome.split(" but stored ")[0]) + method
        if kind in self.failures.found:
            self.failures.add(kind, None)
            return
        url, query, form, json = described
        text = f"{method} {url if len(url) < 200 else url[:60] + f'…({len(url)} chars)'}"
        if query:
            text += " query: " + " & ".join(f"{k}={shown(v)}" for k, v in query)
        if form is not None:
            pairs = [(k, v) for k, v in form.items(multi=True) if k != "csrf_token"]
            text += " form: " + " & ".join(f"{k}={shown(v)}" for k, v in pairs)
        if json is not ...:
            text += f" json: {shown(json)}"
        text += "" if method == "GET" else f" (CSRF token {csrf})"
        self.failures.add(kind, Failure(self.name, self.site.backend, persona, text, outcome))

    # ------------------------------------------------------------ the three phases

    def probe(self) -> None:
        """Choose who asks, learn the keys the view reads and the fields its page shows."""
        real = {name: (values or ["1"])[0] for name, values in self.real.items()}
        anonymous = self.clients["anonymous"]
        if "GET" in self.methods:
            response = anonymous.get(self.path(real))
            if signin_needed(response):
                self.personas = ["admin"]
            page = self.clients[self.personas[0]].get(self.path(real))
            forms = _Forms()
            if page.mimetype == "text/html":
                forms.feed(page.get_data(as_text=True))
            fields = {k: v for k, v in forms.fields.items() if k != "csrf_token"}
            self.baseline = {**fields, **self.baseline}
            self.keys |= set(fields)
        if "POST" in self.methods:
            if "GET" not in self.methods:
                response = self.send("anonymous", "POST", real, form=self.baseline)
                if response is not None and signin_needed(response):
                    self.personas = ["admin"]
            self.send(self.personas[0], "POST", real, form=self.baseline)
        for method in self.methods:
            self.send(self.personas[0], method, real)

    def sweep(self) -> None:
        """Each classic bad value in each key the route reads, and each bad path value."""
        persona = self.personas[0]
        real = {name: (values or ["1"])[0] for name, values in self.real.items()}
        for key in sorted(self.keys)[:MAX_SWEPT_KEYS]:
            for value in CLASSIC:
                if "POST" in self.methods:  # a 1 MB query string is past any server's limit
                    self.send(persona, "POST", real, form={**self.baseline, key: value})
                elif value is not MEGABYTE:
                    self.send(persona, "GET", real, [(key, value)])
        for name in self.rule.arguments:
            for value in HOSTILE_PATH:
                method = self.methods[-1]
                form = self.baseline if method == "POST" else None
                self.send(persona, method, {**real, name: value}, form=form)

    def explore(self, examples: int) -> None:
        """Hypothesis-generated requests (derandomized, so every run sends the same ones)."""
        # The keys are fixed for the run: Hypothesis needs the same strategies in every
        # example, and ``send`` keeps learning keys the view reads.
        known_keys = st.sampled_from(sorted(self.keys | set(COMMON_KEYS)))

        @settings(
            max_examples=examples, deadline=None, derandomize=True, database=None,
            phases=[Phase.generate], suppress_health_check=[
                HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example
            ],
        )  # fmt: skip
        @given(st.data())
        def one_request(data: st.DataObject) -> None:
            draw = data.draw
            persona, method = (
                draw(st.sampled_from(self.personas)),
                draw(st.sampled_from(self.methods)),
            )
            path = {}
            for converter, name in PLACEHOLDER.findall(self.rule.rule):
                real = st.sampled_from(self.real[name]) if self.real[name] else st.nothing()
                generated = (
                    st.integers(min_value=-(2**70), max_value=2**70).map(str)
                    if converter == "int"
                    else st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
                )
                path[name] = draw(real | real | generated | st.sampled_from(HOSTILE_PATH))
            keys = known_keys
            query = draw(st.lists(st.tuples(keys, field_value(big=False)), max_size=4))
            if method == "GET":
                self.send(persona, "GET", path, query)
                return
            csrf = draw(st.sampled_from(["valid"] * 6 + ["missing", "forged"]))
            if method != "POST":
                self.send(persona, method, path, query, csrf=csrf)
                return
            if draw(st.integers(0, 9)) == 0:
                self.send(persona, "POST", path, query, json=draw(json_values), csrf=csrf)
                return
            form = MultiDict(self.baseline if draw(st.booleans()) else {})
            for key in draw(st.lists(keys, max_size=4, unique=True)):
                value = draw(field_value(self.baseline.get(key)))
                form.setlist(key, value if isinstance(value, list) else [value])
            self.send(persona, "POST", path, query, form=form, csrf=csrf)

        one_request()
