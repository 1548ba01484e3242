"""The supporter's journey on a 390 x 844 phone: home page to an RSVP in the recommended seat
in three taps; axe-core finds nothing serious or critical on the supporter pages; each page
stays under 100 KB; the theme's fields and tick boxes keep their sizes."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 800}
POSTCODE = "LS1 4AP"
MAX_PAGE_BYTES = 100_000
#: Set to a folder (docs/screenshots) to save the journey's screenshots there.
SCREENSHOTS_ENV = "CAMPAIGNKIT_SCREENSHOTS"


def _seed(app: Any) -> tuple[str, str, int]:
    """An event in the seat the finder recommends for POSTCODE, and an open pledge."""
    from campaignkit.core.auth.models import utcnow
    from campaignkit.core.events.models import Event
    from campaignkit.core.events.notify import event_changed
    from campaignkit.core.session import write_session
    from campaignkit.plugins.pledges.demo import seed_demo_pledge

    body = app.test_client().get(f"/api/v1/marginals/nearest?postcode={POSTCODE}").get_json()
    top = body["seats"][0]
    with app.test_request_context():
        with write_session() as session:
            start = utcnow() + timedelta(days=2)
            event = Event(
                type="canvass", title="Doorstep Saturday", starts_at=start,
                ends_at=start + timedelta(hours=3), postcode=POSTCODE,
                lat=body["query"]["lat"], lon=body["query"]["lon"], seat_code=top["code"],
                seat_name=top["name"], capacity=10, venue="Central Library", status="approved",
            )  # fmt: skip
            session.add(event)
            seed_demo_pledge(session)
        event_changed(event, "created")
    return top["code"], top["name"], event.id


def test_home_to_an_rsvp_in_the_recommended_seat_in_three_taps(
    phone: Any, app: Any, live_url: str
) -> None:
    code, seat_name, event_id = _seed(app)
    taps = 0
    phone.goto(live_url + "/")
    phone.get_by_label("Your postcode").fill(POSTCODE)
    phone.get_by_role("button", name="Show me where").click()
    taps += 1
    answer = phone.locator(".marginals-answer")
    assert seat_name in answer.get_by_role("heading").inner_text()
    assert answer.get_by_role("link", name="Share a lift").is_visible()
    assert page_width(phone) <= PHONE_WIDTH
    answer.get_by_role("link", name="I'll go").click()
    taps += 1
    assert phone.url.endswith(f"/events/{event_id}#rsvp")
    phone.get_by_label("Your name").fill("Sam")
    phone.locator("#email").fill("sam@example.org")
    phone.locator("#consent").check()
    phone.get_by_role("button", name="I'll be there").click()
    taps += 1
    assert "You're going" in phone.locator(".flash-success").first.inner_text()
    assert taps <= 3
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        _screenshots(phone, app, live_url, code, Path(folder))


def _screenshots(phone: Any, app: Any, live_url: str, code: str, folder: Path) -> None:
    from campaignkit.core.events.demo import demo_rows
    from campaignkit.core.events.importer import check_rows, save_events
    from campaignkit.core.events.settings import event_types

    with app.test_request_context():  # the demo's sample events, so the map has some to show
        good, _report = check_rows(list(enumerate(demo_rows(600), start=2)), event_types())
        save_events(good)
    folder.mkdir(parents=True, exist_ok=True)
    desktop = phone.context.browser.new_page(viewport=DESKTOP)
    for size, page in (("phone", phone), ("desktop", desktop)):
        for name, path in (
            ("home-answer", f"/seats?postcode={POSTCODE}"),
            ("seat-page", f"/seats/{code}"),
            ("events-map", f"/events?view=map&region=yorkshire-and-the-humber&near={POSTCODE}"),
        ):
            page.goto(live_url + path)
            target = folder / f"{name}-{size}.png"
            if name == "events-map":  # the map itself, wherever it falls on the page
                page.locator(".events-map-wrap").screenshot(path=str(target))
            else:
                page.screenshot(path=str(target))
    desktop.close()


def test_supporter_pages_pass_axe_and_stay_small(phone: Any, app: Any, live_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    code, _name, event_id = _seed(app)
    axe = Axe()
    pages = [
        "/", f"/seats?postcode={POSTCODE}", f"/seats/{code}", f"/seats/{code}?postcode={POSTCODE}",
        "/seats/map", f"/seats/map?postcode={POSTCODE}", "/events", f"/events?near={POSTCODE}",
        f"/events?near={POSTCODE}&view=map", "/events?view=map",
        f"/events?view=map&region=yorkshire-and-the-humber&near={POSTCODE}",
        f"/events/{event_id}", "/pledges", "/pledges/keep-our-buses",
    ]  # fmt: skip
    problems = {}
    for path in pages:
        response = phone.goto(live_url + path)
        assert len(response.body()) < MAX_PAGE_BYTES, path
        found = axe.run(phone).response["violations"]
        serious = [v["id"] for v in found if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    assert problems == {}


def test_maps_are_images_with_a_skip_link_and_thumb_sized_region_links(
    phone: Any, app: Any, live_url: str
) -> None:
    _seed(app)
    body = app.test_client().get(f"/api/v1/marginals/nearest?postcode={POSTCODE}").get_json()
    own = body["query"]["seat"]  # the seat the postcode is in: its map marks "you are here"
    for path, skip in (
        (f"/events?near={POSTCODE}&view=map", "#events-map-list"),
        (f"/seats/{own}?postcode={POSTCODE}", "#seat-events"),
        (f"/seats/map?postcode={POSTCODE}", "#seat-list"),
    ):
        phone.goto(live_url + path)
        image = phone.locator("svg[role=img]").filter(has=phone.locator("title")).first
        assert image.locator("a").count() == 0, path
        assert "You are here" in image.inner_html(), path
        assert phone.locator(f'a[href="{skip}"]').count() == 1, path
    phone.goto(live_url + f"/events?near={POSTCODE}&view=map")
    phone.locator(".events-regions summary").click()
    for link in phone.locator(".events-regions a").all():
        box = link.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (link.inner_text(), box)
    phone.locator(".events-regions a", has_text="Scotland").click()
    assert "region=scotland" in phone.url and "near=LS1" in phone.url
    assert page_width(phone) <= PHONE_WIDTH


def test_fields_stay_rectangular_and_tick_boxes_are_one_size(
    phone: Any, app: Any, live_url: str
) -> None:
    _code, _name, event_id = _seed(app)
    sizes = set()
    for path, box in ((f"/events/{event_id}", "#consent"), ("/pledges/keep-our-buses", "#consent"),
                      ("/signup", "input[type=checkbox]")):  # fmt: skip
        phone.goto(live_url + path)
        size = phone.locator(box).first.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24, (path, size)
        sizes.add((round(size["width"]), round(size["height"])))
    assert len(sizes) == 1, sizes
    phone.goto(live_url + "/host/events/new")  # signs in first: any text field will do
    radius = phone.locator("input[type=email], input[type=text]").first.evaluate(
        "el => parseFloat(getComputedStyle(el).borderTopLeftRadius)"
    )
    assert radius <= 12  # the rose theme's controls are 999px pills; fields are not
