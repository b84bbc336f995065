"""Pagefind, at arm's length: the site's search index, built from the HTML MkDocs wrote.

What is indexed is said by the pages themselves: the article only (`data-pagefind-body`,
theme override main.html), with the kind, tag and year filters and the dek set by the page
templates (`data-pagefind-filter`, `data-pagefind-meta`). Lists that repeat other pages
(cards, other briefs' events, marked `data-search-exclude`), diagrams' sources and their
text alternative, heading permalinks and pagination controls are left out here, by
selector.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from .diagnostics import EnvironmentProblem, os_reason

BUNDLE_DIR = "pagefind"
_NEXT_DIR = ".pagefind-next"
EXCLUDED = ("[data-search-exclude]", ".mermaid", ".diagram-alt", ".headerlink", ".pagination")

log = logging.getLogger("mkdocs.plugins.briefs")

# Pagefind writes its ready-made interfaces beside the index; the site has its own
# (site_templates/assets/search.js, on pagefind.js and its worker): they are removed.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js")


def _drop_unused(bundle: Path) -> None:
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)


def _command(site_dir: Path, output: Path) -> list[str]:
    args = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
            "--output-path", str(output), "--silent"]
    for selector in EXCLUDED:
        args += ["--exclude-selectors", selector]
    return args


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return "; ".join(lines[-3:]) or "no message"


def index_site(site_dir: Path) -> float:
    """Index the built site into `site_dir/pagefind/`; return the seconds it took.

    A failure is an EnvironmentProblem (the content passed its checks): the caller's
    staged build then leaves site/ as it was. A site without HTML pages gets no index.
    """
    started = time.perf_counter()
    if next(site_dir.rglob("*.html"), None) is None:
        return 0.0  # no page, nothing to search (Pagefind refuses an empty site)
    try:
        done = subprocess.run(_command(site_dir, site_dir / BUNDLE_DIR), capture_output=True,
                              text=True, check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot run Pagefind: {os_reason(exc)}") from exc
    if done.returncode != 0:
        raise EnvironmentProblem(f"Pagefind could not index the site (exit status "
                                 f"{done.returncode}): {_reason(done.stderr)}")
    _drop_unused(site_dir / BUNDLE_DIR)
    return time.perf_counter() - started


class BackgroundIndexer:
    """`briefs serve`: after a rebuild, the index is rebuilt beside the site and swapped in
    when done, so a rebuild is never held up by indexing (search lags an edit by the time
    indexing takes). A newer rebuild stops the run still going for an older one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    def start(self, site_dir: Path) -> None:
        self.stop()
        staging = site_dir / _NEXT_DIR
        shutil.rmtree(staging, ignore_errors=True)
        try:
            process = subprocess.Popen(_command(site_dir, staging), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            log.warning("briefs: search index not rebuilt: cannot run Pagefind: %s",
                        os_reason(exc))
            return
        with self._lock:
            self._process = process
        threading.Thread(target=self._finish, args=(process, site_dir, staging),
                         name="pagefind", daemon=True).start()

    def _finish(self, process: subprocess.Popen[str], site_dir: Path, staging: Path) -> None:
        _, stderr = process.communicate()
        with self._lock:
            if self._process is not process:  # stopped for a newer rebuild
                return
            self._process = None
            if process.returncode != 0:
                log.warning("briefs: search index not rebuilt: %s", _reason(stderr or ""))
                shutil.rmtree(staging, ignore_errors=True)
                return
            bundle, old = site_dir / BUNDLE_DIR, site_dir / ".pagefind-old"
            _drop_unused(staging)
            try:
                shutil.rmtree(old, ignore_errors=True)
                if bundle.exists():
                    bundle.rename(old)
                staging.rename(bundle)
            except OSError as exc:
                log.warning("briefs: search index not swapped in: %s", os_reason(exc))
            shutil.rmtree(old, ignore_errors=True)
            log.info("briefs: search index rebuilt")

    def stop(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
