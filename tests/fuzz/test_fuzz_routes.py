"""Every route, fuzzed on SQLite and PostgreSQL: no 5xx, and a refused request stores nothing.

Each route of ``app.url_map`` (pages, forms, the JSON API under ``/api``,
feeds, files) is one test per backend; ``fuzz_runner`` says what is sent. A
failure lists every distinct problem the route showed, each with the request
that caused it (who sent it, method, path, query, form, CSRF token), so it can
be replayed with the test client. ``BASELINES`` holds a valid form for routes
whose form is not on a page of their own; other forms are read from the page
the route shows.

How each form says no, as the app answers today (the "refused" signal):

- a status of 400 or more: every POST without a valid CSRF token (400); the event
  forms, carpool offer, pledge signing, pledge create and edit, sign-up, password
  reset, the organisers' privacy form and the blocklist forms (list, entry, import,
  Bluesky import, appeal, Bluesky connect) re-render with 400; role, pledge-status
  and API-token forms abort with 400; missing rows are 404, strangers 401/403;
- a 303 with an "error" flash in the session: RSVP, carpool claim, co-host,
  pledge mailing, seat target, events settings, feature flags, account password and
  erasure, blocklist entry actions and appeal decisions, and a supporter's blocklist
  forms (connect, subscribe, auto rule; someone else's connection is a 404);
- a 200 that re-shows the form: sign-in (``REFUSED_AT_200``).

The cascade forms follow the same signals: its organiser form re-renders with 400,
a bad forward target is a 400, an unknown link a 404, and an opener's postcode that
finds no seat is a 303 with an "error" flash.

Not signalled, so not checked: a robot caught by the pledge honeypot and a sign-up
with a taken address get the same answer as a success (on purpose), and the
invitation form clamps its numbers instead of refusing them.
"""

from __future__ import annotations

import pytest
from fuzz_record import STATS
from fuzz_runner import RouteFuzzer
from fuzz_site import event_form
from PIL import Image

from campaignkit.plugins.emoji.photos import photo_copy
from campaignkit.testing import TEST_PASSWORD

#: Hypothesis examples per route and backend, after the sweep of classic values (every
#: key the route reads gets each classic bad value first; these add random mixes on top).
EXAMPLES = 12
BASELINES: dict[str, dict[str, str]] = {
    "/events/<int:event_id>/rsvp": {
        "name": "Bea",
        "email": "bea-{n}@example.org",
        "consent": "yes",
    },
    "/events/<int:event_id>/carpools/offer": {
        "name": "Sam",
        "seats": "3",
        "liability": "yes",
        "origin": "SW1A 1AA",
        "departs": "09:00",
    },  # fmt: skip
    "/events/carpools/<int:offer_id>/claim": {"name": "Bo", "share_contact": "yes"},
    # The zones furthest from UTC, so far dates overflow when the time zone is applied.
    "/host/events/new": event_form(timezone="Pacific/Kiritimati"),
    "/host/events/<int:event_id>/edit": event_form(title="Changed", timezone="Etc/GMT+12"),
    "/host/events/<int:event_id>/hosts": {"email": "supporter1@example.org"},
    "/host/events/become": {"next": "/host/events/new?postcode=SW1A+1AA"},
    "/organise/events/<int:event_id>/decide": {"decision": "approve", "note": "Fine"},
    "/pledges/<slug>/sign": {
        "name": "Bea Example",
        "email": "bea-{n}@example.org",
        "postcode": "SW1A 1AA",
        "consent": "yes",
        "show_name": "yes",
    },  # fmt: skip
    "/organise/pledges": {
        "slug": "fuzz-{n}",
        "title": "Fund the bus",
        "text": "I will ride it.",
        "goal": "50",
        "threshold": "10",
        "deadline": "2030-01-01",
        "status": "open",
    },  # fmt: skip
    "/organise/pledges/<int:pledge_id>/status": {"status": "open"},
    "/organise/pledges/<int:pledge_id>/mail": {"subject": "News", "body": "Thank you all."},
    "/signup": {"email": "new-{n}@example.org", "password": "a long passphrase to fuzz with"},
    "/signin": {"email": "admin1@example.org", "password": TEST_PASSWORD},
    "/reset": {"email": "admin1@example.org"},
    "/organise/members/<int(min=1, max=2147483647):user_id>/role": {"role": "volunteer"},
    "/organise/members/<int(min=1, max=2147483647):user_id>/approval": {"decision": "approve"},
    "/seats/<code>/target": {"priority": "high", "status": "active", "notes": "Go"},
    "/organise/blocklists": {"slug": "fuzz-{n}", "title": "Trolls", "purpose": "", "rules": ""},
    "/organise/blocklists/<int:list_id>/entries": {
        "platform": "x",
        "account_id": "1{n}",
        "handle": "@fuzz_{n}",
        "reason": "spam",
        "evidence": "https://example.org/{n}",
    },  # fmt: skip
    "/organise/blocklists/<int:list_id>/entries/<int:entry_id>": {"action": "remove"},
    "/organise/blocklists/<int:list_id>/import": {"platform": "x"},
    "/organise/blocklists/<int:list_id>/lookup": {},
    "/organise/blocklists/<int:list_id>/publish-bluesky": {},
    "/organise/blocklists/<int:list_id>/import-bluesky": {
        "list_url": "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.graph.list/3kfuzz{n}",
    },  # fmt: skip
    "/organise/blocklists/appeals/<int:appeal_id>": {"decision": "uphold", "note": "Kept."},
    "/blocklists/<slug>/appeal": {
        "platform": "x",
        "handle": "@fuzz_{n}",
        "message": "Not me.",
        "email": "listed-{n}@example.org",
        "consent": "yes",
    },  # fmt: skip
    # Supporters' own blocklist pages: the ".invalid" server and a password that is not an
    # app password are refused before any request leaves the machine.
    "/blocklists/<slug>/subscribe": {"connection": "1", "action": "mute", "mode": "any"},
    "/account/blocklists/mastodon/connect": {"server": "fuzz.invalid"},
    "/account/blocklists/x/connect": {},
    "/account/blocklists/<int:connection_id>/disconnect": {},
    "/account/blocklists/<int:connection_id>/auto-rules": {
        "auto_rules": "on",
        "max_age_days": "7",
        "min_followers": "15",
    },  # fmt: skip
    "/account/blocklists/subscriptions/<int:subscription_id>": {"action": "mute", "mode": "all"},
    "/account/blocklists/subscriptions/<int:subscription_id>/unsubscribe": {},
    "/videos/briefs/new": {
        "title": "Brief {n}",
        "message": "Save the library.",
        "audience": "",
        "format": "1:1",
        "max_seconds": "30",
        "deadline": "2030-01-01",
        "max_claims": "2",
        "dos": "",
        "donts": "",
        "assets": "Logo | https://example.org/logo.png",
    },  # fmt: skip
    "/videos/apply": {"credit_name": "Fuzz", "portfolio_url": "", "skills": "", "agree": "yes"},
    "/videos/submit": {"title": "Film {n}", "link_url": "https://vimeo.com/{n}"},
    "/videos/review/<int:submission_id>": {
        "decision": "approve",
        "comment": "",
        "message_fits": "yes",
        "no_copyrighted_music": "yes",
        "consent_of_people": "yes",
        "captions_present": "yes",
        "digital_imprint": "yes",
    },  # fmt: skip
    "/videos/review/<int:submission_id>/takedown": {"reason": "Withdrawn consent"},
    "/videos/producers/<int:producer_id>/decision": {"decision": "approve"},
    "/videos/briefs/<int:brief_id>/status": {"status": "closed"},
    "/organise/cascade": {"title": "Vote {n}", "text": "Polls close at 10pm.", "link": ""},
    "/organise/cascade/<int:cascade_id>/status": {"status": "running"},
    "/c/<code>/forward": {"target": "whatsapp"},
    "/c/<code>/seat": {"postcode": "SW1A 1AA"},
    # The copy of a photo a frame's answer page carries (no file: the fuzzer sends text).
    "/emoji/frames/<int:frame_id>": {
        "copy": photo_copy(Image.new("RGB", (64, 48), (200, 30, 40))),
        "zoom": "1.5",
        "x": "10",
        "y": "-10",
        "action": "preview",
    },  # fmt: skip
}


#: Routes whose refusal is a 200 that re-shows the form.
REFUSED_AT_200 = {"/signin"}


def test_every_baseline_names_a_route(fuzz_site) -> None:  # noqa: ANN001
    """A renamed route must take its baseline form along."""
    rules = {rule.rule for rule in fuzz_site.app.url_map.iter_rules()}
    named = set(BASELINES) | REFUSED_AT_200
    assert named <= rules, f"no such routes: {named - rules}"


def test_route_survives_fuzzing(fuzz_site, route: str) -> None:  # noqa: ANN001
    """No 5xx, and nothing stored by a refused request, whatever is sent to the route."""
    methods, rule_text = route.split(" ", 1)
    (rule,) = [r for r in fuzz_site.app.url_map.iter_rules() if r.rule == rule_text and
               "/".join(sorted(r.methods - {"HEAD", "OPTIONS"})) == methods]  # fmt: skip
    fuzzer = RouteFuzzer(
        fuzz_site, rule, BASELINES.get(rule.rule, {}), STATS[(route, fuzz_site.backend)],
        refuses_with_200=rule.rule in REFUSED_AT_200,
    )  # fmt: skip
    try:
        fuzzer.probe()
        fuzzer.sweep()
        fuzzer.explore(EXAMPLES)
    finally:
        fuzzer.close()
    if fuzzer.failures.found:
        count = len(fuzzer.failures.found)
        pytest.fail(f"{count} problem(s):\n{fuzzer.failures.report()}", pytrace=False)
