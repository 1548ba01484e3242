"""The home page in a real browser on a phone: content, layout, tap targets, share links, no JS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from pagecheck import page_width

from campaignkit import hookimpl
from campaignkit.core import NavItem

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 800}
MIN_TAP_PX = 44


def assert_home_page_shows_everything(page: Any) -> None:
    """The campaign name, the nav and the share box are on screen, with no sideways scroll."""
    assert page.locator("h1").inner_text() == "Test campaign"
    assert page.locator(".site-header .site-name").is_visible()
    home_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    assert home_link.is_visible()
    assert home_link.get_attribute("aria-current") == "page"
    share_box = page.locator(".share-box")
    assert share_box.get_by_role("heading", name="Bring a friend").is_visible()
    assert share_box.get_by_role("link", name="WhatsApp").is_visible()
    assert page_width(page) <= PHONE_WIDTH


def test_home_page_on_a_phone(phone: Any, live_url: str) -> None:
    phone.goto(live_url + "/")
    assert_home_page_shows_everything(phone)
    # The stylesheets loaded: the rose header is the kit's deep red, not the browser default.
    header = phone.locator(".site-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(179, 18, 46)"


def test_home_page_works_without_javascript(new_page: Callable[..., Any], live_url: str) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_url + "/")
    assert_home_page_shows_everything(page)
    # The only script is "use my location", which stays hidden without JavaScript.
    scripts = page.locator("script")
    assert scripts.count() <= 1
    if scripts.count():
        assert scripts.first.get_attribute("src").endswith("/marginals/locate.js")
        assert not page.get_by_role("button", name="Use my location").is_visible()
    assert page.locator(".share-list a").count() == 5


def test_tap_targets_are_big_enough(phone: Any, live_url: str) -> None:
    phone.goto(live_url + "/")
    targets = phone.locator(".site-nav a, .share-list a, .share-copy input")
    assert targets.count() >= 7
    for index in range(targets.count()):
        target = targets.nth(index)
        box = target.bounding_box()
        assert box is not None, target.inner_text()
        assert box["height"] >= MIN_TAP_PX, (target.inner_text(), box)
        assert box["width"] >= MIN_TAP_PX, (target.inner_text(), box)
        assert not overflows(target), target.inner_text()


def overflows(element: Any) -> bool:
    """True when an element's content spills out of its box."""
    return element.evaluate("el => el.scrollWidth > el.clientWidth")


def test_home_page_on_a_desktop(new_page: Callable[..., Any], live_url: str) -> None:
    page = new_page(DESKTOP)
    page.goto(live_url + "/")
    assert page_width(page) <= DESKTOP["width"]
    # The nav sits beside the site name, and the share box beside the main column.
    name = page.locator(".site-name").bounding_box()
    nav = page.locator(".site-nav").bounding_box()
    assert nav["x"] > name["x"] + name["width"]
    assert abs((nav["y"] + nav["height"] / 2) - (name["y"] + name["height"] / 2)) < 8
    main = page.locator(".home-main").bounding_box()
    aside = page.locator(".home-aside").bounding_box()
    assert aside["x"] > main["x"] + main["width"] and aside["y"] == main["y"]
    links = page.locator(".share-list a")
    for index in range(links.count()):
        assert not overflows(links.nth(index)), links.nth(index).inner_text()


def test_share_links_carry_the_encoded_site_url(phone: Any, live_url: str) -> None:
    phone.goto(live_url + "/")
    site = live_url + "/"
    encoded = quote(site, safe="")
    links = phone.locator(".share-list a")
    hrefs = {
        links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())
    }
    assert list(hrefs) == ["WhatsApp", "X", "Facebook", "Telegram", "Email"]
    expected = {
        "WhatsApp": ("https", "wa.me", "/", "text", f"Test campaign {site}"),
        "X": ("https", "x.com", "/intent/post", "url", site),
        "Facebook": ("https", "www.facebook.com", "/sharer/sharer.php", "u", site),
        "Telegram": ("https", "t.me", "/share/url", "url", site),
    }
    for label, (scheme, host, path, param, value) in expected.items():
        parts = urlsplit(hrefs[label])
        assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, path), label
        assert parse_qs(parts.query)[param] == [value], label
        assert encoded in parts.query, f"{label}: the site URL is not percent-encoded"
    email = urlsplit(hrefs["Email"])
    assert email.scheme == "mailto"
    assert " " not in hrefs["Email"]
    assert unquote(email.query) == f"subject=Test campaign&body=Test campaign {site}"
    # Every outside service opens in a new tab without handing it this page.
    for label in expected:
        link = links.filter(has_text=label)
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
    # The plain link is there to copy, not a button that only works with JavaScript.
    assert phone.get_by_label("Or copy the link").input_value() == site


class ManyNavItems:
    """A plugin that fills the nav the way a kit with every tool switched on does."""

    LABELS = ("Find a seat", "Events", "Pledges", "Videos", "Emoji pack", "Blocklists")

    @hookimpl
    def campaignkit_nav_items(self, user: object) -> list[NavItem]:
        return [
            NavItem(label, f"/tool-{order}", order=order)
            for order, label in enumerate(self.LABELS, 1)
        ]


def test_a_long_nav_wraps_on_a_phone(phone: Any, make_site: Callable[..., tuple[Any, str]]) -> None:
    _app, url = make_site(extra_plugins=[("many_nav_items", ManyNavItems())])
    phone.goto(url + "/")
    links = phone.locator(".site-nav a")
    labels = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert set(ManyNavItems.LABELS) <= set(labels)
    assert "Home" in labels and "Sign in" in labels  # core's links stay too
    assert page_width(phone) <= PHONE_WIDTH
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE_WIDTH, links.nth(index).inner_text()
