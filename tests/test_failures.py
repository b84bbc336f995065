"""Failures leave published output as it was: disk errors, MkDocs crashes, content errors,
a run killed between the two renames of the folder swap, and the CLI's exit statuses.

Most tests start from a project whose docs/ was generated and whose site/ stands in for a
published one (no test here needs MkDocs to have built it: MkDocs is replaced where it
would run). The tests that run a real MkDocs build are marked slow."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.pipeline import generate_files
from generator.site import site_config
from tests.conftest import copy_project
from tests.search_index import read_site_index

CASES_BASE = Path(__file__).resolve().parent / "cases" / "_base"
BRIEF = "briefs/ministers-meet.yaml"


def run(args: list[str]) -> tuple[int, str, str]:
    """(status, stdout, stderr) of `briefs ARGS`; an uncaught exception fails the test.
    The progress lines on stderr (`[stage] ...`, tests/test_progress.py) are left out: what
    is checked here is what the command says about the failure."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(args)
    except Exception:
        pytest.fail(f"briefs {' '.join(args[2:])} raised instead of reporting:\n"
                    f"{traceback.format_exc()}")
    said = [line for line in err.getvalue().splitlines(keepends=True)
            if not re.match(r"\[[\w ]+\] ", line)]
    return status, out.getvalue(), "".join(said)


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder below `folder` with a hash of its bytes ('dir' for folders)."""
    if not folder.exists():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def published(site: Path) -> tuple[dict[str, str], list[str]]:
    """A built site compared by what readers get: every file but the search index's, and
    the index as its pages (Pagefind writes filter values in no fixed order, so two builds
    of one site differ in the bytes and names of those files)."""
    files = {rel: digest for rel, digest in tree(site).items() if not rel.startswith("pagefind")}
    pages = sorted(json.dumps(page, sort_keys=True) for page in read_site_index(site))
    return files, pages


def leftovers(root: Path) -> list[str]:
    found = []
    for folder in (root, root / "docs", root / "site"):
        if folder.is_dir():
            found += [p.name for p in folder.iterdir()
                      if p.name.startswith((".docs.", ".site."))]
    return sorted(found)


def base_project(dest: Path) -> Path:
    """The small base project of tests/cases, with templates and config."""
    root = copy_project(dest, content=False)
    shutil.rmtree(root / "briefs")
    shutil.rmtree(root / "seeds")
    shutil.copytree(CASES_BASE / "briefs", root / "briefs")
    shutil.copytree(CASES_BASE / "seeds", root / "seeds")
    return root


@pytest.fixture(scope="module")
def generated_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base project with docs/ generated and a stand-in for a published site/."""
    root = base_project(tmp_path_factory.mktemp("generated") / "p")
    status, _, err = run(["--root", str(root), "generate"])
    assert status == 0, err
    (root / "site/briefs").mkdir(parents=True)
    (root / "site/index.html").write_text("<p>published</p>\n", encoding="utf-8")
    (root / "site/briefs/index.html").write_text("<p>briefs</p>\n", encoding="utf-8")
    return root


@pytest.fixture
def built(generated_once: Path, tmp_path: Path) -> Path:
    """A copy of generated_once for one test (the name says what it stands for)."""
    return Path(shutil.copytree(generated_once, tmp_path / "p", symlinks=True))


@pytest.fixture
def really_built(tmp_path: Path) -> Path:
    """The base project with docs/ and site/ built by MkDocs."""
    root = base_project(tmp_path / "p")
    status, _, err = run(["--root", str(root), "build"])
    assert status == 0, err
    return root


def change_content(root: Path) -> None:
    """A valid edit, so the next run has pages to write."""
    path = root / BRIEF
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Ministers of Arland and Borvia meet", "title: Ministers meet in the capital"),
        encoding="utf-8")


def fail_on_call(number: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """A wrapper raising ENOSPC on its `number`-th call and behaving normally otherwise."""
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == number:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- generate: disk errors

PRIMITIVES = {
    "Path.write_bytes": (Path, "write_bytes"),
    "Path.mkdir": (Path, "mkdir"),
    "os.rename": (os, "rename"),
    "os.replace": (os, "replace"),
    "os.link": (os, "link"),
}
MUST_FAIL = {"Path.write_bytes", "os.rename"}  # generate cannot work around these


@pytest.mark.parametrize("call", [1, 3])
@pytest.mark.parametrize("primitive", sorted(PRIMITIVES))
def test_disk_error_during_generate_changes_nothing(built: Path, monkeypatch: pytest.MonkeyPatch,
                                                    primitive: str, call: int) -> None:
    change_content(built)
    docs_before, site_before = tree(built / "docs"), tree(built / "site")
    expected = generate_files(built, site_config(built)).files
    owner, name = PRIMITIVES[primitive]
    monkeypatch.setattr(owner, name, fail_on_call(call, getattr(owner, name)))
    status, out, err = run(["--root", str(built), "generate"])
    monkeypatch.undo()

    assert status in (0, 2), err
    assert leftovers(built) == []
    assert tree(built / "site") == site_before
    if status == 0:  # the failure was worked around: the new output is complete
        assert {rel: hashlib.sha256(data).hexdigest() for rel, data in expected.items()} == {
            rel: h for rel, h in tree(built / "docs").items() if h != "dir"}
    else:
        assert tree(built / "docs") == docs_before
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("briefs: error: ")
        assert "disk is full" in lines[0]
        assert "docs" in lines[0]
    if primitive in MUST_FAIL and call == 1:
        assert status == 2


def test_disk_error_on_the_second_rename_restores_the_old_folder(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old folder is already moved aside when the new one cannot be moved in."""
    change_content(built)
    before = tree(built / "docs")
    monkeypatch.setattr(os, "rename", fail_on_call(2, os.rename))
    status, _, err = run(["--root", str(built), "generate"])
    monkeypatch.undo()
    assert status == 2, err
    assert tree(built / "docs") == before
    assert leftovers(built) == []


def test_unwritable_output_folder_is_exit_2(built: Path) -> None:
    """An output path under a regular file cannot be created, even by root."""
    blocker = built / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    status, out, err = run(["--root", str(built), "generate", "--out", str(blocker / "docs")])
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("briefs: error: ")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


# ---------------------------------------------------------------- content errors write nothing


def test_content_error_writes_nothing(built: Path) -> None:
    (built / "briefs/actors/borvia.yaml").write_text("name: Borvia\nkind: state\n",
                                                     encoding="utf-8")
    docs_before, site_before = tree(built / "docs"), tree(built / "site")
    for command in ("generate", "build"):
        status, out, err = run(["--root", str(built), command])
        assert status == 1
        assert "briefs/actors/borvia.yaml:2:7: error[bad-value]" in out
        assert "error; nothing was published" in err or "errors; nothing was published" in err
        assert tree(built / "docs") == docs_before
        assert tree(built / "site") == site_before
        assert leftovers(built) == []


# ---------------------------------------------------------------- the MkDocs step


def test_mkdocs_crash_leaves_site_unchanged(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception inside MkDocs: exit 2, one sentence, site/ untouched."""
    import mkdocs.commands.build

    def crash(config: Any, **kwargs: Any) -> None:
        (Path(config["site_dir"]) / "half-written.html").write_text("x", encoding="utf-8")
        raise RuntimeError("theme exploded")

    change_content(built)
    before = tree(built / "site")
    monkeypatch.setattr(mkdocs.commands.build, "build", crash)
    status, _, err = run(["--root", str(built), "build"])
    assert tree(built / "site") == before
    assert leftovers(built) == []
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("briefs: error: ")


def test_mkdocs_failure_leaves_site_unchanged(built: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs reporting an error (strict mode): site/ untouched, no staging left behind.

    The build failing is not the editor's content (which passed the check), so the exit
    status is 2, as diagnostics.CODES groups `site-build` with the environment codes."""
    import mkdocs.commands.build
    from mkdocs.exceptions import Abort

    def fail(config: Any, **kwargs: Any) -> None:
        raise Abort("Aborted with 1 warnings in strict mode!")

    change_content(built)
    before = tree(built / "site")
    monkeypatch.setattr(mkdocs.commands.build, "build", fail)
    status, _, err = run(["--root", str(built), "build"])
    assert tree(built / "site") == before
    assert leftovers(built) == []
    assert "MkDocs build failed" in err
    assert status == 2


def test_search_index_failure_leaves_site_unchanged(built: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs built the site but Pagefind failed: nothing is published (the index is part
    of the staged build), exit 2 with Pagefind's reason in one sentence."""
    import mkdocs.commands.build

    from generator import search

    def build(config: Any, **kwargs: Any) -> None:
        (Path(config["site_dir"]) / "index.html").write_text("<p>new</p>", encoding="utf-8")

    def failing(site_dir: Path, output: Path) -> list[str]:
        return [sys.executable, "-c", "import sys; sys.exit('Error: disk on fire')"]

    change_content(built)
    before = tree(built / "site")
    monkeypatch.setattr(mkdocs.commands.build, "build", build)
    monkeypatch.setattr(search, "_command", failing)
    status, _, err = run(["--root", str(built), "build"])
    assert tree(built / "site") == before
    assert leftovers(built) == []
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Pagefind could not index the site" in err and "disk on fire" in err, err


def test_missing_mkdocs_yml_is_exit_2(built: Path) -> None:
    (built / "mkdocs.yml").unlink()
    before = tree(built / "site")
    status, out, err = run(["--root", str(built), "build"])
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "mkdocs.yml" in err
    assert tree(built / "site") == before


# ---------------------------------------------------------------- killed runs are repaired


def test_run_killed_between_the_renames_is_repaired(built: Path) -> None:
    """docs/ moved aside, the new tree not yet moved in: the next run restores, then works."""
    before = tree(built / "docs")
    (built / "docs").rename(built / ".docs.old-99999")
    partial = built / ".docs.new-99999"
    partial.mkdir()
    (partial / "index.md").write_text("half", encoding="utf-8")
    status, _, err = run(["--root", str(built), "generate"])
    assert status == 0, err
    assert tree(built / "docs") == before
    assert leftovers(built) == []


def test_run_killed_after_the_swap_is_cleaned_up(built: Path) -> None:
    """The new docs/ is in place; only the old folder is left over."""
    before = tree(built / "docs")
    shutil.copytree(built / "docs", built / ".docs.old-99999")
    status, _, err = run(["--root", str(built), "generate"])
    assert status == 0, err
    assert tree(built / "docs") == before
    assert leftovers(built) == []


def test_killed_run_is_repaired_by_a_changing_run(built: Path) -> None:
    """Repair then write: the run after the crash still publishes the new content."""
    (built / "docs").rename(built / ".docs.old-99999")
    change_content(built)
    status, _, err = run(["--root", str(built), "generate"])
    assert status == 0, err
    expected = generate_files(built, site_config(built)).files
    assert (built / "docs/briefs/ministers-meet/index.md").read_bytes() == expected[
        "briefs/ministers-meet/index.md"]
    assert leftovers(built) == []


@pytest.mark.slow
def test_killed_site_build_is_repaired(really_built: Path) -> None:
    built = really_built
    before = published(built / "site")
    (built / "site").rename(built / ".site.old-99999")
    (built / ".site.new-99999").mkdir()
    status, _, err = run(["--root", str(built), "build"])
    assert status == 0, err
    assert published(built / "site") == before
    assert leftovers(built) == []


def test_repair_leaves_unrelated_dot_folders_alone(built: Path) -> None:
    """Only the swap's own `.docs.new-<pid>` / `.docs.old-<pid>` folders are removed."""
    keep = [built / ".docs.backup-2024", built / ".docs.notes"]
    for folder in keep:
        folder.mkdir()
        (folder / "mine.txt").write_text("keep me", encoding="utf-8")
    change_content(built)
    status, _, err = run(["--root", str(built), "generate"])
    assert status == 0, err
    for folder in keep:
        assert (folder / "mine.txt").read_text(encoding="utf-8") == "keep me"
