"""What keeps the published site's bytes down (#12 item 3), each trim guarded so that it can
fail: measured on the included content's generated Markdown (fast) and on its built site
(slow). tools/site_families.py measures a whole built site by page family."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.pipeline import generate_files
from tests.test_golden import CONFIG


def _front(page: str, key: str) -> str:
    found = re.search(rf"^{key}: (.*)$", page, re.MULTILINE)
    assert found is not None, key
    return found[1]


def test_brief_jsonld_names_each_entity_once(project: Path) -> None:
    """`mentions` leaves out what `about` already names: the same node twice cost ~1 KB a
    brief page. Everything the brief links to is still named, in one or the other."""
    files = generate_files(project, CONFIG).files
    briefs = {p: d.decode() for p, d in files.items()
              if re.fullmatch(r"briefs/[^/]+\.md", p) and p != "briefs/index.md"}
    assert briefs
    for path, page in briefs.items():
        data = json.loads(json.loads(_front(page, "jsonld")))
        about = [ref["@id"] for ref in data["about"]]
        mentions = [ref["@id"] for ref in data.get("mentions", [])]
        assert about, path
        assert not set(about) & set(mentions), path
        assert len(set(about)) == len(about) and len(set(mentions)) == len(mentions), path
        linked = set(re.findall(r'href="(?:\.\./)+((?:actors|glossary)/[a-z0-9-]+)/"', page))
        named = {re.sub(r"^.*?/((?:actors|glossary)/[a-z0-9-]+)/$", r"\1", i)
                 for i in about + mentions}
        assert linked and linked <= named, path
