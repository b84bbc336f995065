"""The built site's own links, checked before it replaces site/: every relative `href` and
`src` of every page names a file of the site.

No engine does this for links in raw HTML, which is most of what the generator writes
(MkDocs' strict mode checks Markdown links; Zensical's checks neither), so it is done here,
once, for every engine, on the staging folder: a page that links to a missing page or
asset stops the build and site/ stays as it was. Links to other sites, to anchors of the
same page, and root-relative links (the 404 page's, which the theme writes from site_url)
are not files of this folder and are left alone.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from .diagnostics import EnvironmentProblem

_REF = re.compile(rb'\s(?:href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SHOWN = 5  # how many broken links a message names


def _target(page_dir: str, ref: str) -> str | None:
    """The site-relative file `ref` names from a page in `page_dir`, or None when `ref`
    is not a relative link to a file of the site."""
    ref = html.unescape(ref).split("#", 1)[0].split("?", 1)[0]
    if not ref or ref.startswith("/") or _SCHEME.match(ref):
        return None
    path = posixpath.normpath(posixpath.join(page_dir, unquote(ref)))
    if path == "." or ref.endswith("/"):
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path


def broken_links(site_dir: Path) -> list[tuple[str, str]]:
    """(page, link) for every relative link of every page that names no file of the site
    (or leaves it), in page order."""
    files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()}
    folders = {posixpath.dirname(f) for f in files}
    broken: list[tuple[str, str]] = []
    for page in sorted(f for f in files if f.endswith(".html")):
        page_dir = posixpath.dirname(page)
        seen: set[bytes] = set()
        for match in _REF.finditer((site_dir / page).read_bytes()):
            raw = match.group(1)
            if raw in seen:
                continue
            seen.add(raw)
            ref = raw.decode("utf-8", "replace")
            target = _target(page_dir, ref)
            if target is None:
                continue
            if target.startswith("../") or (target not in files and not (
                    target in folders and f"{target}/index.html" in files)):
                broken.append((page, ref))
    return broken


def check_links(site_dir: Path) -> None:
    """Raise an EnvironmentProblem naming the first broken links, if any."""
    broken = broken_links(site_dir)
    if broken:
        shown = "; ".join(f"{page} links to {ref}" for page, ref in broken[:SHOWN])
        more = f" (and {len(broken) - SHOWN} more)" if len(broken) > SHOWN else ""
        raise EnvironmentProblem(f"the built site has {len(broken)} broken link(s), "
                                 f"site/ left as it was: {shown}{more}")
