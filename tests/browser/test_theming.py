"""Themes in a real browser: rose and ink look different, read well, show focus, theme errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pagecheck import contrast, page_width, relative_luminance, rgb, style

pytestmark = pytest.mark.browser

AA_TEXT = 4.5
AA_NON_TEXT = 3.0
THEMES = ["rose", "ink"]
OUTLINE_JS = (
    "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
)
# Text that must meet WCAG AA on each theme's home page.
HOME_TEXT = [
    ".site-name",
    ".site-nav a",
    ".hero h1",
    ".lede",
    ".card h2",
    ".card p",
    ".share-list a",
    ".share-copy label",
    ".share-copy input",
    ".site-footer p",
]


@pytest.fixture(params=THEMES)
def themed_url(request: pytest.FixtureRequest, make_site: Callable[..., tuple[Any, str]]) -> str:
    """The base URL of a UK-kit instance in each built-in theme."""
    _app, url = make_site(theme=request.param)
    return url


def test_the_two_themes_look_clearly_different(
    new_page: Callable[..., Any], make_site: Callable[..., tuple[Any, str]]
) -> None:
    looks = {}
    for theme in THEMES:
        _app, url = make_site(theme=theme)
        page = new_page()
        page.goto(url + "/")
        looks[theme] = {
            "body": rgb(style(page, "body", "background-color")),
            "header": rgb(style(page, ".site-header", "background-color")),
            "heading font": style(page, "h1", "font-family"),
            "heading case": style(page, "h1", "text-transform"),
            "card corners": style(page, ".card", "border-top-right-radius"),
        }
    rose, ink = looks["rose"], looks["ink"]
    for key in rose:
        assert rose[key] != ink[key], key
    # Rose is light with a deep red header; ink is dark all the way up.
    assert relative_luminance(rose["body"]) > 0.8
    assert relative_luminance(rose["header"]) < 0.2
    assert relative_luminance(ink["body"]) < 0.05
    assert relative_luminance(ink["header"]) < 0.05
    assert "serif" in rose["heading font"] and "sans-serif" not in rose["heading font"]
    assert ink["heading case"] == "uppercase"
    assert rose["card corners"] != "0px"
    assert ink["card corners"] == "0px"


def test_text_meets_wcag_aa(phone: Any, themed_url: str) -> None:
    phone.goto(themed_url + "/")
    for selector in HOME_TEXT:
        elements = phone.locator(selector)
        assert elements.count() > 0, selector
        for index in range(elements.count()):
            ratio = contrast(elements.nth(index))
            assert ratio >= AA_TEXT, f"{selector} #{index}: contrast {ratio:.2f}"


def test_keyboard_focus_is_clearly_visible(phone: Any, themed_url: str) -> None:
    phone.goto(themed_url + "/")
    # The first Tab shows the skip link on screen.
    phone.keyboard.press("Tab")
    skip = phone.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["x"] >= 0
    # Then on through the header and the share box, to the link to copy.
    seen = set()
    for _ in range(40):  # the skip link, every nav link, the home page's blocks, the share box
        phone.keyboard.press("Tab")
        focused = phone.locator(":focus")
        name = focused.evaluate("el => el.className || el.textContent.trim()")
        outline = focused.evaluate(OUTLINE_JS)
        assert outline[0] != "none" and outline[1] >= 2, (name, outline)
        ratio = contrast(focused, "outline")
        assert ratio >= AA_NON_TEXT, f"{name}: focus outline contrast {ratio:.2f}"
        seen.add(focused.evaluate("el => el.closest('header, .share-box')?.className || ''"))
        if focused.evaluate("el => el.matches('.share-copy input')"):
            break
    else:
        pytest.fail("Tab never reached the share box's link to copy")
    assert {"site-header", "card share-box"} <= seen


def test_a_missing_page_is_themed(phone: Any, themed_url: str) -> None:
    home = phone.goto(themed_url + "/")
    assert home is not None and home.status == 200
    header_colour = style(phone, ".site-header", "background-color")
    response = phone.goto(themed_url + "/no/such/page")
    assert response is not None and response.status == 404
    assert phone.locator(".site-header .site-name").inner_text().lower() == "test campaign"
    assert style(phone, ".site-header", "background-color") == header_colour
    assert phone.locator("h1").inner_text().lower() == "not found"
    back = phone.get_by_role("link", name="Back to the home page")
    assert back.get_attribute("href") == "/"
    assert back.bounding_box()["height"] >= 44
    assert contrast(back) >= AA_TEXT
    assert page_width(phone) <= 390
