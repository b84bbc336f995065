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


def generated_docs(project: Path, config: SiteConfig = CONFIG) -> dict[str, bytes]:
    """The generated docs folder of `project` as golden files hold it."""
    files = generate_files(project, config).files
    # Assets are copied verbatim and docs/.gitignore is a constant (kept out of the golden
    # tree, where it would make git ignore the golden files themselves).
    return {k: v for k, v in files.items() if not k.startswith("assets/") and k != ".gitignore"}


def assert_golden(files: dict[str, bytes], golden: Path, update: bool) -> None:
    """`files` equal the golden tree at `golden`, byte for byte; with `--update-golden`
    the tree is rewritten from them first (review the diff)."""
    if update:
        shutil.rmtree(golden, ignore_errors=True)
        for rel, data in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
    expected = {p.relative_to(golden).as_posix(): p.read_bytes()
                for p in sorted(golden.rglob("*")) if p.is_file()}
    where = golden.relative_to(Path(__file__).parent).as_posix()
    assert sorted(files) == sorted(expected), (
        f"pages added or removed against {where}: run `make golden` and review the diff")
    for rel, data in files.items():
        assert data == expected[rel], f"{rel} differs from {where}/{rel}"


def test_generated_markdown_matches_golden(project: Path, update_golden: bool) -> None:
    assert_golden(generated_docs(project), GOLDEN, update_golden)
