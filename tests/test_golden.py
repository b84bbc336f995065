"""Golden files: the generated docs folder for the included content, byte for byte.

Regenerate after an intended change with `make golden` and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.pipeline import generate_files
from generator.urls import SiteConfig

GOLDEN = Path(__file__).parent / "golden" / "site"
CONFIG = SiteConfig("Explainer Briefs", "https://example.org/briefs/")


def _generated(project: Path) -> dict[str, bytes]:
    files = generate_files(project, CONFIG).files
    # Assets are copied verbatim and docs/.gitignore is a constant (kept out of the golden
    # tree, where it would make git ignore the golden files themselves).
    return {k: v for k, v in files.items() if not k.startswith("assets/") and k != ".gitignore"}


def test_generated_markdown_matches_golden(project: Path, update_golden: bool) -> None:
    files = _generated(project)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes()
                for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert sorted(files) == sorted(expected), "pages added or removed: run `make golden`"
    for rel, data in files.items():
        assert data == expected[rel], f"{rel} differs from tests/golden/site/{rel}"
