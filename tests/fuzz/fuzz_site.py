"""The site the fuzz tests attack: the UK kit with every plugin, real rows, real accounts.

One ``Site`` per database backend for the whole run: an instance made as
``campaignkit init`` makes one, migrated, with a tiny geocoder (three postcode
districts, so nothing depends on the shared UK data) and rate limits off (the
fuzzer must reach the views, not the limiter). Sign-in throttling still applies;
each client comes from an address of its own. Seeding goes through the forms
themselves: an organiser publishes an event and opens a pledge, a supporter
RSVPs, signs and offers a lift, an invitation and an API token are made; an
emoji pack and a blocklist (at the pledge's slug, so ``<slug>`` values reach all
three) get one approved picture and one live entry, a guest appeals, and there is
a profile-picture frame.
"""

from __future__ import annotations

import email
import io
import itertools
import re
import sys
import types
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from fuzz_record import RecordingArgs
from PIL import Image
from sqlalchemy import column, func, inspect, select, table
from werkzeug.exceptions import HTTPException

from campaignkit import hookimpl
from campaignkit.core import GeocodeError, Place, SeatRef
from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import (
    CSRF_FIELD,
    FAST_HASHING,
    TEST_PASSWORD,
    edit_config,
    isolated_environ,
    migrate,
)

#: Tables a refused request may still write to: bookkeeping, and tables that count
#: refusals on purpose (sign-in failures, throttles and lockouts, audit logs).
LOGGED_TABLES = re.compile(
    r"alembic|migration|signin|login|attempt|fail|throttle|lockout|limit|audit|_log"
)
LINK = re.compile(r"https?://\S+")
MAILS_READ = 200
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
PLEDGE_SLUG = "save-the-library"
DRAFT_SLUG = "draft-pledge"
SEAT_CODE = "E14001063"  # Aldershot, from the kit's seats
BLOCKLIST_ENTRY = {"platform": "x", "account_id": "783214", "handle": "@troll", "reason": "abuse",
                   "evidence": "https://example.org/post/1"}  # fmt: skip
BLOCKLIST_APPEAL = {"platform": "x", "handle": "@troll", "message": "Not me.",
                    "email": "listed@example.org", "consent": "yes"}  # fmt: skip

# ---------------------------------------------------------------- a geocoder of three districts

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*[0-9][A-Z]{2})?$")
_DISTRICTS = {
    "SW1A": (51.5010, -0.1416, "E14001172", "Cities of London and Westminster"),
    "M1": (53.4794, -2.2453, "E14001355", "Manchester Central"),
    "CF10": (51.4816, -3.1791, "W07000090", "Cardiff South and Penarth"),
}


@hookimpl
def campaignkit_geocode(query):  # noqa: ANN001, ANN201
    """A district's centre and seat for a district or a full postcode (spaces as people type)."""
    typed = query.strip().upper()
    match = _POSTCODE.match(typed)
    if not match:
        raise GeocodeError(f"'{query}' is not a UK postcode.", kind="invalid")
    found = _DISTRICTS.get(match.group(1))
    if found is None:
        return None
    lat, lon, code, name = found
    return Place(typed, match.group(1), lat, lon, "district", SeatRef(code, name))


GEOCODER = types.ModuleType("fuzz_geocoder")
GEOCODER.campaignkit_geocode = campaignkit_geocode
sys.modules.setdefault(GEOCODER.__name__, GEOCODER)

# ---------------------------------------------------------------- the site


def event_form(**changes: str) -> dict[str, str]:
    """The fields of a valid event form (a canvass tomorrow in Westminster), changed as asked."""
    fields = {
        "type": "canvass", "title": "Door knocking in Westminster",
        "description": "Meet at the café.", "date": TOMORROW, "start": "10:00", "end": "13:00",
        "timezone": "Europe/London", "venue": "Church Hall", "address": "1 Example Street",
        "postcode": "SW1A 1AA", "capacity": "10",
        "chat_url": "https://chat.whatsapp.com/AbCdEfGhIjKlMnOp12",
        "accessibility": "Step-free access",
    }  # fmt: skip
    return {**fields, **changes}


@dataclass
class Site:
    """A running app on one backend, with what the fuzzer needs to reach real rows."""

    backend: str
    app: Flask
    tables: list[str]
    folder: Path
    addresses: itertools.count = field(default_factory=lambda: itertools.count(1))
    emails: itertools.count = field(default_factory=lambda: itertools.count(1))
    #: Codes of cascade links that were issued (the root and one opener's), for ``<code>``.
    cascade_codes: list[str] = field(default_factory=list)
    _counting: Any = None  # the statement row_counts sends

    def client(self) -> Any:
        """A test client from an address of its own (so sign-in throttling stays per client)."""
        number = next(self.addresses)
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    def csrf_token(self, client: Any) -> str:
        """A valid CSRF token for the client's session."""
        found = CSRF_FIELD.search(client.get("/signout").get_data(as_text=True))
        assert found, "no CSRF token on /signout"
        return found.group(1)

    def user(self, role: str = "admin") -> str:
        """A new account with a role; its email."""
        from campaignkit.core.auth.accounts import create_user

        email = f"{role}{next(self.emails)}@example.org"
        with self.app.test_request_context():
            create_user(email, TEST_PASSWORD, role, approved=True, verified=True, joined_via="test")
        return email

    def signed_in(self, role: str = "admin") -> Any:
        """A client signed in, through the form, as a new account with the role.

        The account's email is ``client.email``.
        """
        client = self.client()
        client.email = self.user(role)
        data = {"email": client.email, "password": TEST_PASSWORD}
        response = client.post("/signin", data={**data, "csrf_token": self.csrf_token(client)})
        assert response.status_code == 302, f"signing in failed ({response.status_code})"
        return client

    def retire(self, email: str) -> None:
        """Make an account a supporter again (moderators get mail for every new event)."""
        from campaignkit.core.auth.accounts import find_user, set_role

        with self.app.test_request_context():
            user = find_user(email)
            if user is not None:
                set_role(user.id, "supporter")

    def fresh_rows(self, organiser: Any, wanted: set[str]) -> dict[str, str]:
        """New rows for a route's path parameters: an open event, an open pledge, a lift.

        Routes that cancel, reject or close what they are given would otherwise
        leave later routes only refusals to test.
        """
        made: dict[str, str] = {}
        if wanted & {"event_id", "offer_id"}:
            number = next(self.emails)
            _post(self, organiser, "/host/events/new", event_form(title=f"Canvass {number}"))
            made["event_id"] = str(self.ids("ck_events")[-1])
        if "offer_id" in wanted:
            offer = {"name": "Sam", "seats": "8", "liability": "yes", "origin": "SW1A 1AA"}
            path = f"/events/{made['event_id']}/carpools/offer"
            _post(self, organiser, path, {**offer, "departs": "09:00"})
            made["offer_id"] = str(self.ids("ck_carpool_offers")[-1])
        if "frame_id" in wanted:  # retiring or deleting one leaves the others on offer
            made["frame_id"] = seed_emoji_frame(self)
        if wanted & {"pledge_id", "slug"}:
            made["slug"] = f"pledge-{next(self.emails)}"
            pledge = {"title": "Fund the bus", "text": "I will ride it.", "goal": "50"}
            _post(
                self,
                organiser,
                "/organise/pledges",
                {**pledge, "slug": made["slug"], "status": "open"},
            )
            made["pledge_id"] = str(self.ids("pledges")[-1])
        if wanted & {"entry_id", "appeal_id"}:
            made.update(self.fresh_blocklist_rows(organiser))
        if wanted & {"submission_id", "video_id", "brief_id"}:
            made.update(seed_video(self, organiser))
        return made

    def fresh_blocklist_rows(self, organiser: Any) -> dict[str, str]:
        """A new live entry on the seeded blocklist, and a new open appeal about it."""
        number = next(self.emails)
        (list_id, *_) = self.ids("blocklists")
        entry = {**BLOCKLIST_ENTRY, "account_id": str(9_000_000 + number), "handle": ""}
        _post(self, organiser, f"/organise/blocklists/{list_id}/entries", entry)
        appeal = {**BLOCKLIST_APPEAL, "handle": entry["account_id"]}
        _post(self, self.client(), f"/blocklists/{PLEDGE_SLUG}/appeal", appeal)
        return {
            "list_id": str(list_id),
            "entry_id": str(self.ids("blocklists_entries")[-1]),
            "appeal_id": str(self.ids("blocklists_appeals")[-1]),
        }

    def mailed_values(self, endpoint: str) -> dict[str, list[str]]:
        """Path values of the links to an endpoint in the mail sent so far (real tokens)."""
        adapter = self.app.url_map.bind("localhost")
        found: dict[str, list[str]] = {}
        for mail in sorted((self.folder / "outbox").glob("*.eml"))[-MAILS_READ:]:
            message = email.message_from_bytes(mail.read_bytes(), policy=default_policy)
            for link in LINK.findall(message.get_body().get_content()):
                for method in ("GET", "POST"):
                    try:
                        matched, values = adapter.match(urlsplit(link).path, method=method)
                    except HTTPException:
                        continue
                    for name, value in values.items() if matched == endpoint else ():
                        found.setdefault(name, []).append(str(value))
                    break
        return {name: list(dict.fromkeys(values))[-3:] for name, values in found.items()}

    def row_counts(self) -> tuple[int, ...]:
        """How many rows each watched table holds, in one query (built once: it is sent
        before and after every fuzzed request)."""
        if self._counting is None:
            counts = [
                select(func.count()).select_from(table(n)).scalar_subquery() for n in self.tables
            ]
            self._counting = select(*counts)
        with self.app.extensions["campaignkit"].database.engine.connect() as connection:
            return tuple(connection.execute(self._counting).one())

    def ids(self, name: str) -> list[int]:
        """A few ids of a table's rows (the first and the last)."""
        with self.app.extensions["campaignkit"].database.engine.connect() as connection:
            query = select(column("id")).select_from(table(name)).order_by(column("id"))
            rows = connection.execute(query).scalars()
            found = list(rows)
        return found[:3] + found[-2:]


def build_site(
    folder: Path, backend: str, database_url: str | None, extra_plugins: tuple = ()
) -> Site:
    """Make, migrate and seed an instance on a backend (with extra plugin objects)."""
    instance = init_instance(
        folder, kit="uk", name="Fuzz campaign", database_url=database_url,
        plugins=["share", "marginals", "pledges", "emoji", "blocklists", "videos", "cascade",
                 "apps", "phonebank"],
    )  # fmt: skip
    edit_config(instance, accounts=FAST_HASHING)
    app = create_app(
        instance, extra_plugins=[(GEOCODER.__name__, GEOCODER), *extra_plugins], testing=True,
        environ=isolated_environ(),
    )  # fmt: skip
    migrate(app)
    limiter = app.extensions.get("campaignkit.limiter")
    if limiter is not None:  # the fuzzer must reach the views, not the rate limits
        limiter.enabled = False
    # Note the keys a view reads, on top of the app's own (cleaning) storage class.
    storage = type("Recording", (RecordingArgs, app.request_class.parameter_storage_class), {})
    app.request_class = type(
        "RecordingRequest", (app.request_class,), {"parameter_storage_class": storage}
    )
    engine = app.extensions["campaignkit"].database.engine
    tables = sorted(t for t in inspect(engine).get_table_names() if not LOGGED_TABLES.search(t))
    site = Site(backend, app, tables, instance)
    seed(site)
    return site


def _post(site: Site, client: Any, path: str, data: dict) -> Any:
    response = client.post(path, data={**data, "csrf_token": site.csrf_token(client)})
    assert response.status_code in (200, 302, 303), f"seeding {path}: {response.status_code}"
    return response


def seed(site: Site) -> None:
    """Real rows for path parameters to hit, made through the forms as people make them."""
    organiser = site.signed_in("admin")
    _post(site, organiser, "/host/events/new", event_form())
    _post(site, organiser, "/host/events/new", event_form(title="Leafleting", capacity="1"))
    pledge = {
        "title": "Save the library",
        "text": "I will stand up for our library.",
        "goal": "100",
    }
    _post(site, organiser, "/organise/pledges", {**pledge, "slug": PLEDGE_SLUG, "status": "open"})
    _post(site, organiser, "/organise/pledges", {**pledge, "slug": DRAFT_SLUG, "status": "draft"})
    _post(site, organiser, "/organise/invites", {"note": "For the branch", "max_uses": "5"})
    _post(site, organiser, "/organise/tokens", {"name": "Map", "scopes": "events.host"})
    emoji_pack = {"slug": PLEDGE_SLUG, "title": "Library emoji", "licence": "", "description": ""}
    _post(site, organiser, "/organise/emoji", emoji_pack)
    seed_emoji_art(site)
    blocklist = {"slug": PLEDGE_SLUG, "title": "Library trolls", "purpose": "", "rules": ""}
    _post(site, organiser, "/organise/blocklists", blocklist)
    (list_id, *_) = site.ids("blocklists")
    _post(site, organiser, f"/organise/blocklists/{list_id}/entries", BLOCKLIST_ENTRY)
    seed_emoji_frame(site)
    (event_id, *_) = site.ids("ck_events")
    supporter = site.signed_in("supporter")
    _post(site, supporter, f"/events/{event_id}/rsvp", {})
    offer = {"name": "Sam", "seats": "3", "liability": "yes", "origin": "SW1A 1AA"}
    _post(site, supporter, f"/events/{event_id}/carpools/offer", {**offer, "departs": "09:00"})
    guest = site.client()
    guest_rsvp = {"name": "Ann", "email": "ann@example.org", "consent": "yes"}
    _post(site, guest, f"/events/{event_id}/rsvp", guest_rsvp)
    signer = {"name": "Ann Example", "email": "ann@example.org", "postcode": "SW1A 1AA"}
    _post(site, guest, f"/pledges/{PLEDGE_SLUG}/sign", {**signer, "consent": "yes"})
    _post(site, guest, f"/blocklists/{PLEDGE_SLUG}/appeal", BLOCKLIST_APPEAL)
    seed_video(site, organiser)
    seed_cascade(site, organiser)
    seeded = ("ck_events", "pledges", "ck_carpool_offers", "ck_invites", "emoji_art",
              "emoji_frames", "blocklists_entries", "blocklists_appeals", "videos_producers",
              "videos_briefs", "videos_submissions", "cascade_nodes")  # fmt: skip
    assert all(site.ids(t) for t in seeded)


def seed_cascade(site: Site, organiser: Any) -> None:
    """A running cascade and one opener of its root link; both codes go to ``<code>``."""
    message = {"title": "Vote today", "text": "Polls close at 10pm.", "link": "https://example.org"}
    _post(site, organiser, "/organise/cascade", message)
    cascade_id = site.ids("cascades")[-1]
    _post(site, organiser, f"/organise/cascade/{cascade_id}/status", {"status": "running"})
    engine = site.app.extensions["campaignkit"].database.engine
    nodes = table("cascade_nodes", column("code"), column("id"))
    with engine.connect() as connection:
        (root,) = connection.execute(select(nodes.c.code)).scalars()
    opened = site.client().get(f"/c/{root}")  # a 303 to the opener's own message page
    mine = urlsplit(opened.location).path.split("/")[2]
    site.cascade_codes.extend([root, mine])


def seed_video(site: Site, organiser: Any) -> dict[str, str]:
    """A brief, a producer who claimed it, a link video they sent for it (published) and a
    second one waiting for review; their ids. The producer is made (and approved) once."""
    number = next(site.emails)
    brief = {"title": f"Brief {number}", "message": "Save the library.", "format": "9:16",
             "max_seconds": "60", "deadline": TOMORROW, "max_claims": "5"}  # fmt: skip
    _post(site, organiser, "/videos/briefs/new", brief)
    brief_id = site.ids("videos_briefs")[-1]
    producer = getattr(site, "video_producer", None)
    if producer is None:
        producer = site.video_producer = site.signed_in("supporter")
        _post(site, producer, "/videos/apply", {"credit_name": "Sam", "agree": "yes"})
        (producer_id, *_) = site.ids("videos_producers")
        _post(site, organiser, f"/videos/producers/{producer_id}/decision", {"decision": "approve"})
    _post(site, producer, f"/videos/briefs/{brief_id}/claim", {})
    link = {"title": f"Film {number}", "link_url": "https://vimeo.com/1"}
    for _ in range(2):
        _post(site, producer, f"/videos/submit?brief={brief_id}", link)
    *_, published, waiting = site.ids("videos_submissions")
    ticks = dict.fromkeys(("message_fits", "no_copyrighted_music", "consent_of_people",
                           "captions_present", "digital_imprint"), "yes")  # fmt: skip
    _post(site, organiser, f"/videos/review/{published}", {**ticks, "decision": "approve"})
    _post(site, organiser, f"/videos/review/{published}/publish", {})
    return {"brief_id": str(brief_id), "video_id": str(published), "submission_id": str(waiting)}


def seed_emoji_art(site: Site) -> None:
    """One approved picture in the emoji pack, added as ``campaignkit emoji add`` adds it."""
    from campaignkit.plugins.emoji.packs import add_approved_art

    picture = io.BytesIO()
    Image.new("RGBA", (64, 64), (200, 30, 40, 255)).save(picture, "PNG")
    with site.app.test_request_context():
        add_approved_art(PLEDGE_SLUG, "book", "📚", picture.getvalue(), None, 5_000_000)


def seed_emoji_frame(site: Site) -> str:
    """A profile-picture frame (a ring with a see-through middle), as an upload adds it; its id."""
    from PIL import ImageDraw

    from campaignkit.plugins.emoji.frames import add_frame

    ring = Image.new("RGBA", (400, 400), (90, 30, 120, 255))
    ImageDraw.Draw(ring).ellipse((50, 50, 350, 350), fill=(0, 0, 0, 0))
    picture = io.BytesIO()
    ring.save(picture, "PNG")
    with site.app.test_request_context():
        return str(add_frame("Library frame", picture.getvalue(), 5_000_000))
