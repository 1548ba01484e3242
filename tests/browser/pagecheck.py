"""What the browser tests measure inside the page: overflow, sizes, colours and contrast."""

from __future__ import annotations

from typing import Any

# Composite an element's colours over its ancestors' backgrounds (the canvas is
# white) and return the WCAG contrast ratio of its text, or of its outline
# against what is around the element. Background images are ignored, so only
# use it on elements whose backgrounds are plain colours.
CONTRAST_JS = """
(el, which) => {
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[3] * top[i] + (1 - top[3]) * bottom[i]);
  const layers = [];
  const start = which === "outline" ? el.parentElement : el;
  for (let node = start; node; node = node.parentElement) {
    layers.unshift(parse(getComputedStyle(node).backgroundColor));
  }
  let background = [255, 255, 255];
  for (const layer of layers) background = over(layer, background);
  const style = getComputedStyle(el);
  const fg = over(parse(which === "outline" ? style.outlineColor : style.color), background);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(fg), luminance(background)].sort((a, b) => b - a);
  return (high + 0.05) / (low + 0.05);
}
"""


def page_width(page: Any) -> int:
    """The page's scrollable width: more than the viewport means sideways scrolling.

    Waits for the page to finish loading first: right after a click that
    navigates, the new document may not have its root element yet.
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.scrollingElement.scrollWidth")


def style(page: Any, selector: str, prop: str) -> str:
    """A computed style property of the first element matching ``selector``."""
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )


def contrast(locator: Any, which: str = "text") -> float:
    """WCAG contrast of the element's text (or its outline) against its real background."""
    return locator.evaluate(CONTRAST_JS, which)


def rgb(value: str) -> tuple[int, int, int]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 1)' as a tuple of the three channels."""
    inside = value[value.index("(") + 1 : value.index(")")]
    red, green, blue = (int(float(part)) for part in inside.replace("/", " ").split(",")[:3])
    return red, green, blue


def relative_luminance(colour: tuple[int, int, int]) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
