"""The preview's banner for content errors and its quiet log (generator/preview.py), driven
through the plugin's own hooks on a copy of the project: no MkDocs build, no server."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.mkdocs_plugin import BriefsPlugin
from generator.preview import (
    BANNER_ID,
    MAX_LINES,
    BannerMiddleware,
    PreviewStatus,
    inject_banner,
    quiet_dirty_build_warning,
)
from generator.site import load_mkdocs_config
from tests.conftest import copy_project

BRIEF = "briefs/xi-lavrov-beijing-talks.yaml"
PAGE = (b'<!doctype html><html><head><title>T</title></head>\n<body dir="ltr" class="x">'
        b"<header>site</header><p>last good page</p></body></html>")
HOSTILE = "<script>alert(1)</script>"


class FakeServer:
    """The part of MkDocs' LiveReloadServer the plugin uses (a wsgiref server)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)

    def unwatch(self, path: str) -> None:
        raise KeyError(path)

    def get_app(self) -> Any:
        return self.app

    def set_app(self, app: Any) -> None:
        self.app = app


def static_app(body: bytes, content_type: str = "text/html") -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", content_type),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app


def get(app: Any, path: str = "/") -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer.update(status=status, headers=dict(headers))
        return lambda data: None

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, start_response))
    return answer["status"], answer["headers"], body


def banner_of(page: bytes) -> str | None:
    match = re.search(rb'<div id="' + BANNER_ID.encode() + rb'".*?</div>', page, re.S)
    return match[0].decode("utf-8") if match else None


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, BriefsPlugin, Any, FakeServer]]:
    """A copy of the project, its briefs plugin as `briefs serve` starts it, a server."""
    root = copy_project(tmp_path / "project")
    config = load_mkdocs_config(root)
    plugin = config.plugins["briefs"]
    assert isinstance(plugin, BriefsPlugin)
    plugin.on_startup(command="serve", dirty=True)
    server = FakeServer(static_app(PAGE))
    plugin.on_serve(server, config=config, builder=None)
    yield root, plugin, config, server
    plugin.on_shutdown()


def test_a_broken_edit_puts_an_escaped_banner_on_every_page_until_fixed(
        serving: tuple[Path, BriefsPlugin, Any, FakeServer],
        capsys: pytest.CaptureFixture[str]) -> None:
    root, plugin, config, server = serving
    plugin.on_config(config)
    assert get(server.app)[2] == PAGE  # a good generation: pages as built

    brief = root / BRIEF
    good = brief.read_text(encoding="utf-8")
    broken = good.replace("\ndate: 2024-04-09\n", f'\ndate: 2024-13-45\n"{HOSTILE}": x\n')
    assert broken != good
    brief.write_text(broken, encoding="utf-8")
    plugin.on_config(config)  # the rebuild after the edit: generation fails, serving goes on
    assert "still serving the last good pages" in capsys.readouterr().err

    status, headers, page = get(server.app)
    assert status == "200 OK"
    assert int(headers["Content-Length"]) == len(page)
    banner = banner_of(page)
    assert banner is not None
    # first in the body, above the site's own header; the page itself is still there
    assert page.index(b'<body dir="ltr" class="x"><div id="' + BANNER_ID.encode()) > 0
    assert page.replace(banner.encode(), b"") == PAGE
    assert (f"{BRIEF}:3:7: error[bad-date]: date: &#x27;2024-13-45&#x27; is not a real "
            "calendar date") in banner
    assert (f"{BRIEF}:4:1: error[unknown-key]: unknown key "
            "&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;") in banner
    assert "<script" not in banner and HOSTILE not in page.decode()
    assert get(server.app, "/actors/china/")[2] != PAGE  # every page, not only the edited one

    brief.write_text(good, encoding="utf-8")
    plugin.on_config(config)  # the next good rebuild
    assert get(server.app)[2] == PAGE


def test_the_banner_escapes_whatever_the_diagnostics_quote() -> None:
    lines = (f"briefs/x.yaml:1:1: error[bad-id]: id '{HOSTILE}' & \"quotes\"",
             "briefs/y.yaml:2:3: error[bad-date]: </pre></div><img src=x onerror=alert(1)>")
    page = inject_banner(PAGE, lines)
    banner = banner_of(page)
    assert banner is not None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in banner
    assert "&amp; &quot;quotes&quot;" in banner
    assert "&lt;/pre&gt;&lt;/div&gt;&lt;img src=x onerror=alert(1)&gt;" in banner
    assert "<script" not in page.decode() and "<img" not in page.decode()


def test_many_problems_are_cut_short() -> None:
    lines = tuple(f"briefs/b{i}.yaml:1:1: error[bad-date]: date" for i in range(MAX_LINES + 5))
    banner = banner_of(inject_banner(PAGE, lines))
    assert banner is not None
    assert f"b{MAX_LINES - 1}.yaml" in banner and f"b{MAX_LINES}.yaml" not in banner
    assert "and 5 more (see the terminal)" in banner


def test_what_is_not_an_html_page_is_served_untouched() -> None:
    status = PreviewStatus()
    status.fail(["briefs/x.yaml:1:1: error[bad-date]: date"])
    body = b'{"not": "<body>"}'
    app = BannerMiddleware(static_app(body, "application/json"), status)
    assert get(app) == ("200 OK", {"Content-Type": "application/json",
                                   "Content-Length": str(len(body))}, body)
    no_body_tag = BannerMiddleware(static_app(b"<p>fragment</p>", "text/html; charset=utf-8"),
                                   status)
    assert get(no_body_tag)[2].startswith(b'<div id="' + BANNER_ID.encode())


def test_a_generator_application_is_wrapped_too() -> None:
    status = PreviewStatus()
    status.fail(["briefs/x.yaml:1:1: error[bad-date]: date"])

    def lazy(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("404 Not Found", [("Content-Type", "text/html")])
        yield PAGE

    code, _, page = get(BannerMiddleware(lazy, status))
    assert code == "404 Not Found"
    assert banner_of(page) is not None


DIRTY = ("A 'dirty' build is being performed, this will likely lead to inaccurate navigation "
         "and other links within your site. This option is designed for site development "
         "purposes only.")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def mkdocs_log() -> Iterator[Collect]:
    collect = Collect()
    mkdocs = logging.getLogger("mkdocs")
    build = logging.getLogger("mkdocs.commands.build")
    filters, level = list(build.filters), mkdocs.level
    mkdocs.addHandler(collect)
    mkdocs.setLevel(logging.INFO)
    yield collect
    mkdocs.removeHandler(collect)
    mkdocs.setLevel(level)
    build.filters[:] = filters


def test_serve_silences_the_dirty_build_warning_and_nothing_else(mkdocs_log: Collect) -> None:
    build = logging.getLogger("mkdocs.commands.build")
    build.warning(DIRTY)  # without `briefs serve`: shown
    assert mkdocs_log.messages == [DIRTY]

    quiet_dirty_build_warning()  # what `briefs serve` installs
    quiet_dirty_build_warning()  # once, however often it is asked
    mkdocs_log.messages.clear()
    build.warning(DIRTY)
    build.warning("Doc file 'x.md' contains a link 'y.md', but the target is not found.")
    build.info("Documentation built in 0.50 seconds")
    build.error(DIRTY)  # not the warning: an error passes whatever it says
    logging.getLogger("mkdocs.plugins.briefs").warning("briefs: a warning of our own")
    assert mkdocs_log.messages == [
        "Doc file 'x.md' contains a link 'y.md', but the target is not found.",
        "Documentation built in 0.50 seconds", DIRTY, "briefs: a warning of our own"]
    assert len(build.filters) == 1
