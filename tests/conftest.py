"""Shared fixtures: a copy of the project in a temporary folder, the golden-file flag, the
Hypothesis profiles and the random-order seed in the summary."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("briefs", "seeds", "site_templates", "mkdocs.yml", "docs/.gitignore")

# Property tests run their full example counts under Hypothesis' own profile ("default",
# or "ci" where the CI variable is set): `make test` and CI. The "fast" profile, which
# `make test-fast` selects with HYPOTHESIS_PROFILE=fast, keeps everything else of that
# profile and runs a fifth of the examples. Derandomized tests stay deterministic under
# pytest-randomly: Hypothesis seeds them from the test function, not from `random`.
FAST_SHARE = 5
_FULL = settings.get_profile(settings.get_current_profile_name())
settings.register_profile("fast", parent=_FULL, max_examples=_FULL.max_examples // FAST_SHARE)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


def examples(full: int) -> int:
    """A property test's example count: `full` under the full profile, a fifth of it
    (at least 1) under "fast"."""
    loaded = settings.get_profile(settings.get_current_profile_name()).max_examples
    return max(1, full * loaded // _FULL.max_examples)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff)")


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    """pytest-randomly shuffles the tests; `-q` hides its header, so the seed that replays
    this order is repeated at the end, next to any failure."""
    seed = config.getoption("randomly_seed", None)
    if isinstance(seed, int) and config.getoption("randomly_reorganize", False):
        terminalreporter.write_line(f"random order: replay it with --randomly-seed={seed}")


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


@pytest.fixture(scope="module")
def imported_code(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The fingerprint sees the generator's code as imported: editing generator/ on disk
    while a module's tests run changes nothing they run, so it is not a code change to them
    (modules that compare incremental runs use it: `pytestmark = usefixtures(...)`)."""
    from generator import cache
    from generator.urls import SiteConfig

    real = cache.fingerprint
    empty = tmp_path_factory.mktemp("empty")
    code = real(empty, SiteConfig("", ""), empty / "docs")["code"]

    def fingerprint(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**real(*args, **kwargs), "code": code}

    with mock.patch.object(cache, "fingerprint", fingerprint):
        yield
