"""A built site served on 127.0.0.1 for the browser: the benchmark's search timings
(tools/search_timing.py) and the browser tests (tests/browser/conftest.py) use this one.

Static files of the folder, as a plain host serves them; an unknown path gets the site's
404.html with status 404. The folder is looked up on every request, so a site replaced
while served (a rebuild renames a new folder into place) is served as it is now.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


class _Handler(http.server.SimpleHTTPRequestHandler):
    site_folder: Path

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = self.site_folder / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # stdlib's signature
        pass


@contextlib.contextmanager
def served(site: Path, name: str = "site-server") -> Iterator[str]:
    """`site` served on 127.0.0.1:<free port> until the block ends; yields its URL (the
    folder need not exist yet: the URL is known before the site is built for it)."""
    handler = type("Handler", (_Handler,), {"site_folder": site})
    server = http.server.ThreadingHTTPServer(
        (HOST, 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
