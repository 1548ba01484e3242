"""On phones, a producer claims a brief and uploads a clip, a reviewer approves it, a publisher
publishes it, and a signed-out supporter plays it from the gallery."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pagecheck import contrast, page_width

from campaignkit.testing import FAST_HASHING, TEST_PASSWORD, edit_config

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 800}
#: A 1-second 9:16 clip with sound, wider than a phone, H.264/AAC in a QuickTime file (as
#: phones record them).
CLIP_ARGS = ["-f", "lavfi", "-i", "testsrc=size=432x768:rate=10", "-f", "lavfi",
             "-i", "sine=frequency=440", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]  # fmt: skip

# Form fields without a label, images without alt text, and headings other than one h1.
ACCESSIBILITY_JS = """
() => {
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!el.labels.length && !el.getAttribute("aria-label")) problems.push("no label: " + el.name);
  }
  for (const img of document.querySelectorAll("img:not([alt])")) {
    problems.push("no alt: " + img.src);
  }
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(h1s + " h1 elements");
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  return problems;
}
"""

# Play the page's <video> muted (as a tap would) and wait until it has really moved on.
PLAY_JS = """
async (video) => {
  const wait = (ms) => new Promise((resolve) => setTimeout(() => resolve("timed out"), ms));
  video.muted = true;
  const started = await Promise.race([video.play().then(() => "ok", (e) => e.name), wait(4000)]);
  const since = performance.now();
  while (video.currentTime < 0.5 && !video.error && performance.now() - since < 4000) {
    await wait(50);
  }
  return {started, played: video.currentTime >= 0.5, time: video.currentTime,
          ready: video.readyState, network: video.networkState,
          error: video.error && video.error.code,
          source: video.currentSrc};
}
"""


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Share buttons and the videos plugin."""
    return ["share", "videos"]


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The live instance, with cheap password hashing so signing in four people is quick."""
    edit_config(ck_instance, accounts=FAST_HASHING)
    return ck_instance


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A short 9:16 clip made with ffmpeg."""
    path = tmp_path / "library.mov"
    subprocess.run(  # noqa: S603 - ffmpeg with fixed arguments
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *CLIP_ARGS, str(path)],  # noqa: S607
        check=True,
        timeout=60,
    )
    return path


def check_page(page: Any) -> None:
    """The page fits a phone, its form fields are labelled, and its text is readable."""
    assert page_width(page) <= PHONE_WIDTH, page.url
    assert page.evaluate(ACCESSIBILITY_JS) == [], page.url
    assert contrast(page.locator("h1")) >= 4.5, page.url
    hints = page.locator("main .hint, main .muted")
    for index in range(hints.count()):
        assert contrast(hints.nth(index)) >= 4.5, f"{page.url}: {hints.nth(index).inner_text()}"


def go(locator: Any) -> None:
    """Click a link or button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def signed_in(new_page: Callable[..., Any], live_url: str, email: str) -> Any:
    """A phone page signed in as `email`."""
    page = new_page()
    page.goto(live_url + "/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    go(page.get_by_role("button", name="Sign in"))
    assert "/signin" not in page.url
    return page


def nav(page: Any, name: str) -> None:
    """Follow a link in the main navigation (organisers' tools are in its Organise menu)."""
    menu = page.get_by_role("navigation", name="Main")
    link = menu.get_by_role("link", name=name)
    if not link.is_visible() and menu.locator("summary", has_text="Organise").count():
        menu.locator("summary", has_text="Organise").click()
    go(link)


def flash(page: Any) -> str:
    """The text of the page's success message."""
    return page.locator(".flash-success").first.inner_text()


def play(page: Any) -> dict:
    """Play the page's video; what happened (started, played, time, ready and network states,
    error, source)."""
    video = page.locator("video")
    video.scroll_into_view_if_needed()
    return video.evaluate(PLAY_JS)


def test_a_clip_goes_from_brief_to_gallery_and_plays_on_a_phone(
    new_page: Callable[..., Any],
    app: Any,
    live_url: str,
    make_user: Any,
    immediate_jobs: Any,
    clip: Path,
) -> None:
    make_user("org@example.org", role="organiser")
    make_user("rev@example.org", role="moderator")
    make_user("sam@example.org")

    producer = signed_in(new_page, live_url, "sam@example.org")
    producer.goto(live_url + "/videos")
    go(producer.get_by_role("link", name="Make videos for the campaign"))
    check_page(producer)
    producer.get_by_label("Credit me as").fill("Sam Films")
    producer.get_by_label("What you can do").fill("Filming on my phone")
    producer.locator("#agree").check()
    go(producer.get_by_role("button", name="Apply"))
    assert "waiting for an organiser" in producer.locator("main").inner_text()

    organiser = signed_in(new_page, live_url, "org@example.org")
    nav(organiser, "Video producers")
    check_page(organiser)
    go(organiser.get_by_role("button", name="Approve"))
    assert "sam@example.org is approved" in flash(organiser)
    organiser.goto(live_url + "/videos/briefs/new")
    check_page(organiser)
    organiser.get_by_label("Title").fill("Why the library matters")
    organiser.get_by_label("The message to get across").fill("Save our library.")
    organiser.get_by_label("Format").select_option("9:16")
    organiser.get_by_label("Longest length (seconds)").fill("30")
    deadline = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    organiser.get_by_label("Deadline").fill(deadline)
    go(organiser.get_by_role("button", name="Post the brief"))
    assert flash(organiser) == "Brief posted."

    producer.reload()  # now a producer, with the briefs in the menu
    nav(producer, "Video briefs")
    producer.get_by_label("Format").select_option("9:16")
    go(producer.get_by_role("button", name="Filter"))
    check_page(producer)
    go(producer.get_by_role("link", name="Why the library matters"))
    go(producer.get_by_role("button", name="Claim this brief"))
    assert "The brief is yours" in flash(producer)
    check_page(producer)
    go(producer.get_by_role("link", name="Upload a video file"))
    check_page(producer)
    producer.get_by_label("Title").fill("Our library")
    producer.get_by_label("Video file").set_input_files(clip)
    go(producer.get_by_role("button", name="Upload and send for review"))
    assert producer.url.endswith("/videos/mine")
    assert "your video is being checked" in flash(producer)
    card = producer.locator("article.submission", has_text="Our library")
    assert card.locator(".media-status").inner_text() == "ready"  # the job ran with the upload
    assert card.locator(".state").inner_text() == "submitted"
    assert card.get_by_role("alert").count() == 0
    check_page(producer)

    reviewer = signed_in(new_page, live_url, "rev@example.org")
    nav(reviewer, "Video review")
    go(reviewer.get_by_role("link", name="Our library"))
    check_page(reviewer)
    go(reviewer.get_by_role("button", name="Take it for review"))
    boxes = reviewer.get_by_role("group", name="Checklist").get_by_role("checkbox")
    assert boxes.count() == 5
    for index in range(boxes.count()):
        boxes.nth(index).check()
    go(reviewer.get_by_role("button", name="Approve"))
    assert flash(reviewer) == "Saved: the video is approved."
    assert reviewer.get_by_role("button", name="Publish to the gallery").count() == 0  # not theirs

    nav(organiser, "Video review")
    go(organiser.get_by_role("link", name="Our library"))
    go(organiser.get_by_role("button", name="Publish to the gallery"))
    assert flash(organiser) == "Published."

    supporter = new_page()  # signed out
    supporter.goto(live_url + "/videos")
    check_page(supporter)
    go(supporter.get_by_role("link", name="Our library"))
    check_page(supporter)
    assert "By Sam Films" in supporter.locator("main").inner_text()
    assert supporter.locator("video").get_attribute("poster")
    played = play(supporter)
    assert played["played"] and played["error"] is None, played
    assert played["ready"] >= 2 and played["source"].endswith("/preview.mp4"), played

    # A wider screen gets the original; a QuickTime file Chromium cannot play falls back.
    desktop = new_page(DESKTOP)
    desktop.goto(supporter.url)
    played = play(desktop)
    assert played["played"] and played["error"] is None, played
    assert played["source"].endswith("/preview.mp4"), played
    assert page_width(desktop) <= DESKTOP["width"]
