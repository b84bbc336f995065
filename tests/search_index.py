"""The Pagefind index read back as a browser reads it: entry file, then the language's
metadata, then one fragment per page (tests only; the site is built by generator/search.py)."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUNDLE = "pagefind/"
_SIGNATURE = b"pagefind_dcd"
_FRAGMENT = re.compile(rb"en_[0-9a-f]{7}")


def _decode(blob: bytes) -> bytes:
    data = gzip.decompress(blob)
    assert data.startswith(_SIGNATURE), data[:20]
    return data[len(_SIGNATURE):]


def read_index(fetch: Callable[[str], bytes | None]) -> list[dict[str, Any]]:
    """Every page's fragment (url, meta, filters, content), fetched by `fetch(path)` (a
    path under the site root; None when there is no such file)."""
    entry_bytes = fetch(BUNDLE + "pagefind-entry.json")
    assert entry_bytes is not None, "no pagefind/pagefind-entry.json"
    entry = json.loads(entry_bytes)
    language = entry["languages"]["en"]["hash"]
    meta = fetch(f"{BUNDLE}pagefind.{language}.pf_meta")
    assert meta is not None, f"no metadata for {language}"
    pages = []
    for name in dict.fromkeys(_FRAGMENT.findall(_decode(meta))):  # page and chunk hashes
        blob = fetch(f"{BUNDLE}fragment/{name.decode()}.pf_fragment")
        if blob is not None:
            pages.append(json.loads(_decode(blob)))
    assert len(pages) == entry["languages"]["en"]["page_count"], (len(pages), entry)
    return pages


def read_site_index(site: Path) -> list[dict[str, Any]]:
    def fetch(path: str) -> bytes | None:
        file = site / path
        return file.read_bytes() if file.is_file() else None

    return read_index(fetch)
