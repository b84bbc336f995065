"""Shared fixtures: a copy of the project in a temporary folder, and the golden-file flag."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("briefs", "seeds", "site_templates", "mkdocs.yml", "docs/.gitignore")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff)")


@pytest.fixture(autouse=True)
def _real_builds_are_marked_slow(request: pytest.FixtureRequest,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A real MkDocs build takes seconds: `-m "not slow and not browser"` must run none.
    A test that replaces MkDocs' build with its own fake replaces this refusal too."""
    if request.node.get_closest_marker("slow") or request.node.get_closest_marker("browser"):
        return
    import mkdocs.commands.build

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"{request.node.nodeid} runs a real MkDocs build: mark it "
                    "@pytest.mark.slow")

    monkeypatch.setattr(mkdocs.commands.build, "build", refuse)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_project(dest: Path, *, content: bool = True) -> Path:
    """The project's content, templates and config under `dest` (content optional)."""
    for part in PROJECT_PARTS:
        source = REPO / part
        if not content and part in ("briefs", "seeds"):
            (dest / part).mkdir(parents=True, exist_ok=True)
            continue
        target = dest / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A full copy of the included project, safe to change."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """Templates and config, with empty briefs/ and seeds/."""
    return copy_project(tmp_path / "project", content=False)


@pytest.fixture
def write() -> Callable[[Path, str, str | bytes], Path]:
    def _write(root: Path, rel: str, data: str | bytes) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    return _write
