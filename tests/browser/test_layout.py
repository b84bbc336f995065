"""Screenshots at desktop and phone widths (for people to look at, not compared), and no
horizontal scrolling on a 360 px wide phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site, wait_for_diagrams

pytestmark = pytest.mark.browser

PAGES = {"home": "", "brief": f"briefs/{BRIEF_ID}/", "actor": "actors/sergei-lavrov/",
         "timeline": "timeline/"}
VIEWPORTS = {"desktop": (1280, 900), "phone": (360, 800)}
# The deepest elements sticking out on the right, to say *what* overflows.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit + 1 && !Array.from(el.children).some(
          c => c.getBoundingClientRect().right > limit + 1)) {
      const id = el.id ? '#' + el.id : '';
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 15);
}"""


@pytest.fixture(scope="module")
def viewport_page(contexts: Callable[[str], Any]) -> Iterator[Callable[[str], Any]]:
    """One tab (light scheme) for all shots, resized per viewport, kept in front: a
    background tab renders and screenshots far slower."""
    page = contexts("light").new_page()

    def get(name: str) -> Any:
        width, height = VIEWPORTS[name]
        page.set_viewport_size({"width": width, "height": height})
        page.bring_to_front()
        return page

    yield get
    page.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot_and_no_horizontal_scroll(site: Site, artifacts: Path,
                                             viewport_page: Callable[[str], Any],
                                             name: str, viewport: str) -> None:
    page = viewport_page(viewport)
    page.goto(site.page_url(PAGES[name]))
    if site.soup(PAGES[name]).select_one("pre.mermaid"):
        wait_for_diagrams(page)
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    width = VIEWPORTS[viewport][0]
    page.screenshot(path=str(folder / f"{name}-{viewport}-{width}.png"), full_page=True)
    if viewport != "phone":
        return
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"{name} scrolls sideways at {width} px (scrollWidth {scroll_width}); overflowing: "
        + ", ".join(page.evaluate(OVERFLOWING)))
