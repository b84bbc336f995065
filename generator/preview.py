"""What `briefs serve` adds to the preview: the content-error banner and a quieter log.

When generation fails while serving, MkDocs keeps serving the last good pages; the editor
should not have to look at the terminal to learn why an edit does not show. The plugin
records the problems in a `PreviewStatus`; `BannerMiddleware` (wrapped around the preview
server's WSGI application) puts them, escaped, at the top of every HTML page it serves, and
serves the pages untouched once a rebuild succeeds. The banner is added as pages are
served, not written into site/: a dirty rebuild re-renders only the pages that changed, and
`briefs build` never shows it. Livereload reloads the open page after each rebuild, so the
banner comes and goes by itself.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from .text import html_text

BANNER_ID = "briefs-preview-errors"
MAX_LINES = 30  # the rest is in the terminal
DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"
_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_B = f"#{BANNER_ID}"
# Every property the banner relies on is set here, under its id (which outranks the page's
# own selectors), so it looks the same whatever the page's stylesheet does.
_BANNER_CSS = (
    f"{_B}{{position:relative;z-index:10;margin:0;padding:.75rem 1rem;background:#8b0000;"
    "color:#fff;font:15px/1.4 system-ui,sans-serif}"
    f"{_B} h2,{_B} p{{margin:0;padding:0;color:inherit;font:inherit}}"
    f"{_B} h2{{font-weight:700}}"
    f"{_B} pre{{margin:.5rem 0 0;padding:.25rem;max-height:40vh;overflow:auto;"
    "background:none;color:inherit;white-space:pre-wrap;font:13px/1.45 monospace}"
    f"{_B} pre:focus-visible{{outline:2px solid #fff;outline-offset:2px}}"
)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class PreviewStatus:
    """The problems of the last generation while serving; empty after a good one."""

    def __init__(self) -> None:
        self._lines: tuple[str, ...] = ()
        self._lock = threading.Lock()  # set by the build thread, read by request threads

    def fail(self, lines: Iterable[str]) -> None:
        with self._lock:
            self._lines = tuple(line for line in lines if line.strip()) or ("content errors",)

    def clear(self) -> None:
        with self._lock:
            self._lines = ()

    @property
    def lines(self) -> tuple[str, ...]:
        with self._lock:
            return self._lines


def banner_html(lines: tuple[str, ...]) -> str:
    """The banner for these diagnostic lines; every line is escaped (content is untrusted).

    A landmark region named by its heading, first in the page, so a screen reader reads it
    first and lists it among the landmarks; the diagnostics scroll within at most 40% of
    the window and are the first stop of the Tab key (tabindex="0"), so the arrow keys
    scroll them. White on dark red is 10:1 (WCAG AA asks 4.5:1), the focus ring white."""
    shown = [html_text(line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"… and {len(lines) - MAX_LINES} more (see the terminal)")
    text = "\n".join(shown)
    return (
        f'<div id="{BANNER_ID}" role="region" aria-labelledby="{BANNER_ID}-title">'
        f"<style>{_BANNER_CSS}</style>"
        f'<h2 id="{BANNER_ID}-title">Content errors: this preview shows the last good pages.</h2>'
        "<p>Fix the files below and save; the page reloads by itself.</p>"
        f'<pre tabindex="0">{text}</pre></div>'
    )


def inject_banner(page: bytes, lines: tuple[str, ...]) -> bytes:
    """`page` with the banner first in its body (first of all without a body tag)."""
    banner = banner_html(lines).encode("utf-8")
    opening = _BODY_OPEN.search(page)
    at = opening.end() if opening else 0
    return page[:at] + banner + page[at:]


class BannerMiddleware:
    """WSGI middleware: HTML responses get the banner while `status` holds problems."""

    def __init__(self, app: WsgiApp, status: PreviewStatus) -> None:
        self.app = app
        self.status = status

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        lines = self.status.lines
        if not lines:
            return self.app(environ, start_response)
        answer: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers, exc_info]
            return lambda data: None  # the preview server never uses write()

        body = self.app(environ, capture)
        if not answer:  # a generator application answers on its first item
            body = _drained(body)
        status, headers, exc_info = answer
        if not _is_html(headers):
            start_response(status, headers, exc_info)
            return body
        page = inject_banner(b"".join(_drained(body)), lines)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(page))))
        start_response(status, headers, exc_info)
        return [page]


def _drained(body: Iterable[bytes]) -> list[bytes]:
    try:
        return list(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def _is_html(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "content-type" and v.split(";")[0].strip() == "text/html"
               for k, v in headers)


class _NotDirtyBuildWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING
                    and record.getMessage().startswith(DIRTY_BUILD_WARNING))


def quiet_dirty_build_warning() -> logging.Filter:
    """Drop MkDocs' "A 'dirty' build is being performed" warning, and nothing else.

    `briefs serve` asks for dirty rebuilds on purpose (the generator rewrites every page an
    edit reaches), so the warning, printed on every rebuild, would only alarm editors. The
    filter sits on the logger that emits it; every other record passes."""
    source = logging.getLogger("mkdocs.commands.build")
    for installed in source.filters:
        if isinstance(installed, _NotDirtyBuildWarning):
            return installed
    quiet = _NotDirtyBuildWarning()
    source.addFilter(quiet)
    return quiet
