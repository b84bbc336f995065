"""Golden diagnostic cases: each folder under tests/cases/<group>/<case>/ is one mistake.

A case lays `files/` over the small valid project in tests/cases/_base/, deletes the paths
listed in `remove.txt`, applies `setup.txt` (symbolic links, padding to a size) and runs
`briefs check`. Its stdout must equal `expected.txt` exactly, with both the C and the
pure-Python YAML parser. An empty `expected.txt` means the case is valid (exit status 0).
`pytest --update-golden` rewrites expected.txt from the current output: review the diff.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import posixpath
import re
import shutil
import stat
import traceback
from pathlib import Path

import pytest

from generator import load, urls
from generator.cli import main
from generator.pipeline import generate
from generator.site import site_config
from tests.conftest import REPO

CASES = Path(__file__).resolve().parent / "cases"
BASE = CASES / "_base"
GROUPS = ("yaml", "schema", "refs", "files", "text")


def case_dirs() -> list[Path]:
    return [case for group in GROUPS if (CASES / group).is_dir()
            for case in sorted((CASES / group).iterdir()) if case.is_dir()]


def build_case(case: Path, dest: Path) -> Path:
    """The base project with the case applied, at `dest`."""
    shutil.copytree(BASE, dest, symlinks=True)
    files = case / "files"
    if files.is_dir():
        for source in sorted(files.rglob("*")):
            if source.is_dir():
                continue
            target = dest / source.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()
            shutil.copyfile(source, target)
    remove = case / "remove.txt"
    if remove.is_file():
        for rel in remove.read_text(encoding="utf-8").split():
            target = dest / rel
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
    setup = case / "setup.txt"
    if setup.is_file():
        for line in setup.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "symlink":  # symlink LINK TARGET (target relative to the link)
                link = dest / words[1]
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(words[2])
            elif words[0] == "pad":  # pad PATH BYTES: append YAML comment lines up to BYTES
                path = dest / words[1]
                data = path.read_bytes()
                size = int(words[2])
                line_bytes = b"# " + b"x" * 77 + b"\n"
                data += line_bytes * ((size - len(data)) // len(line_bytes) + 1)
                path.write_bytes(data)
            elif words[0] == "mkdir":
                (dest / words[1]).mkdir(parents=True, exist_ok=True)
            elif words[0] == "copy":  # copy SOURCE TARGET; \n in TARGET is a newline
                target = dest / words[2].replace("\\n", "\n")
                shutil.copyfile(dest / words[1], target)
            elif words[0] == "move":  # move SOURCE TARGET
                (dest / words[1]).rename(dest / words[2])
            elif words[0] == "fifo":  # fifo PATH: a named pipe where a file would be
                os.mkfifo(dest / words[1])
            elif words[0] == "chardev":  # chardev PATH: a copy of /dev/zero (needs root)
                try:
                    os.mknod(dest / words[1], 0o644 | stat.S_IFCHR, os.makedev(1, 5))
                except PermissionError:
                    pytest.skip("creating a character device needs root")
            else:  # pragma: no cover - a mistake in a case folder
                raise ValueError(f"{setup}: unknown directive {words[0]!r}")
    return dest


def run_cli(args: list[str], *, c_loader: bool = True) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `briefs ARGS`; an uncaught exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    load.use_c_loader(c_loader)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(args)
    except SystemExit as exc:  # argparse usage errors
        status = exc.code if isinstance(exc.code, int) else 2
    except Exception:
        pytest.fail(f"briefs {' '.join(args)} raised instead of reporting:\n"
                    f"{traceback.format_exc()}")
    finally:
        load.use_c_loader(True)
    return status, out.getvalue(), err.getvalue()


def check_output(root: Path, *, c_loader: bool, fmt: str = "text") -> tuple[int, str, str]:
    status, out, err = run_cli(["--root", str(root), "check", "--format", fmt],
                               c_loader=c_loader)
    return status, out.replace(str(root), "<root>"), err.replace(str(root), "<root>")


def test_base_project_is_valid(tmp_path: Path) -> None:
    root = shutil.copytree(BASE, tmp_path / "base")
    for c_loader in (True, False):
        status, out, err = check_output(root, c_loader=c_loader)
        assert (status, out) == (0, ""), err


def test_there_are_enough_cases() -> None:
    counts = {g: sum(1 for c in case_dirs() if c.parent.name == g) for g in GROUPS}
    assert all(counts.values()), counts
    assert sum(counts.values()) >= 45, counts


@pytest.mark.parametrize("case", case_dirs(), ids=lambda c: f"{c.parent.name}/{c.name}")
def test_case(case: Path, tmp_path: Path, update_golden: bool) -> None:
    root = build_case(case, tmp_path / "project")
    status, out, err = check_output(root, c_loader=True)
    py_status, py_out, py_err = check_output(root, c_loader=False)
    for text in (out, err, py_out, py_err):
        assert "Traceback" not in text
    expected_file = case / "expected.txt"
    if update_golden:
        expected_file.write_text(out, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert out == expected, f"stderr was:\n{err}"
    assert (py_status, py_out) == (status, out), "the pure-Python parser disagrees with libyaml"
    if expected:
        assert status == 1
        lines = expected.splitlines()
        assert lines == sorted(lines, key=_sort_key), "diagnostics must be sorted"
        count = len(lines)
        assert f"{count} error{'s' if count != 1 else ''}; nothing was published" in err
    else:
        assert status == 0, err


def _sort_key(line: str) -> tuple[str, int, int, str]:
    path, line_no, column, rest = line.split(":", 3)
    return path, int(line_no), int(column), rest


# ---------------------------------------------------------------- output formats


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    """Three problems in two files; one message holds a '%' that GitHub needs escaped."""
    root = build_case(CASES / "schema" / "unknown-key-no-hint", tmp_path / "project")
    (root / "briefs/actors/arland.yaml").write_text(
        "name: Arland\nkind: country\naffiliation: borvai\nsummary: A country.\n",
        encoding="utf-8")
    (root / "briefs/glossary/detente.yaml").write_text(
        "term: Detente\ndefinition: An easing.\n100%: sure\n", encoding="utf-8")
    return root


def test_github_format(broken_project: Path) -> None:
    status, out, _ = check_output(broken_project, c_loader=True, fmt="github")
    assert status == 1
    assert out.splitlines() == [
        "::error file=briefs/actors/arland.yaml,line=3,col=14::[bad-ref] no brief, actor, "
        "term or story has the id 'borvai' (did you mean 'borvia'?)",
        "::error file=briefs/glossary/detente.yaml,line=3,col=1::[unknown-key] unknown key "
        "'100%25'",
        "::error file=briefs/ministers-meet.yaml,line=6,col=1::[unknown-key] unknown key 'mood'",
    ]


def test_json_format(broken_project: Path) -> None:
    status, out, _ = check_output(broken_project, c_loader=True, fmt="json")
    text_status, text_out, _ = check_output(broken_project, c_loader=True)
    assert status == text_status == 1
    records = json.loads(out)
    assert isinstance(records, list)
    assert len(records) == len(text_out.splitlines())
    for record, line in zip(records, text_out.splitlines(), strict=True):
        assert {"path", "line", "column", "code", "message"} <= set(record)
        assert isinstance(record["line"], int)
        assert isinstance(record["column"], int)
        assert line.startswith(f"{record['path']}:{record['line']}:{record['column']}: "
                               f"error[{record['code']}]: {record['message']}")


def test_json_format_when_clean(tmp_path: Path) -> None:
    root = shutil.copytree(BASE, tmp_path / "base")
    status, out, _ = check_output(root, c_loader=True, fmt="json")
    assert status == 0
    assert json.loads(out) == []


def test_github_format_escapes_properties(tmp_path: Path) -> None:
    """A comma or colon in a path would end the `file=` property early."""
    root = build_case(CASES / "files" / "not-content-notes-txt", tmp_path / "project")
    (root / "briefs" / "a,b:c.txt").write_text("x", encoding="utf-8")
    status, out, _ = check_output(root, c_loader=True, fmt="github")
    assert status == 1
    assert "file=briefs/a%2Cb%3Ac.txt,line=1,col=1::" in out


def test_not_a_project_is_exit_2(tmp_path: Path) -> None:
    status, out, err = run_cli(["--root", str(tmp_path), "check"])
    assert status == 2
    assert out == ""
    assert err.startswith("briefs: error: ")
    assert len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- reference cycles


_LINK = re.compile(r'href="([^"]*)"|click n[0-9]+ href "([^"]*)"|\]\(([^)\s]*)\)')
CYCLE = {  # each page of a cycle, and the page of the other side
    "actors/arland/index.md": "actors/borvia/index.md",
    "actors/borvia/index.md": "actors/arland/index.md",
    "glossary/detente/index.md": "glossary/thaw/index.md",
    "glossary/thaw/index.md": "glossary/detente/index.md",
}


def _link_target(page: str, href: str, texts: dict[str, str]) -> str | None:
    """The generated file a relative link from `page` lands on (an anchor on its page),
    or None when nothing generated is there."""
    href = html.unescape(href)
    path, _, anchor = href.partition("#")
    if not path:
        heading = re.compile(rf"^#+ {re.escape(anchor)}$|id=\"{re.escape(anchor)}\"",
                             re.MULTILINE | re.IGNORECASE)
        return page if heading.search(texts[page]) else None
    base = urls.page_url(page)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base) if "/" in base
                                               and not base.endswith("/") else base, path))
    if joined.startswith(".."):
        return None
    stem = "" if joined == "." else joined
    for candidate in (f"{stem}.md", f"{stem}/index.md" if stem else "index.md", stem):
        if candidate in texts:
            return candidate
    return None


def test_reference_cycles_render_once(tmp_path: Path) -> None:
    """Cycles (a member of b member of a, affiliated both ways; terms related both ways)
    render into a folder: each page once, each list naming the other side once, no page
    holding another, and every link landing on a page that was generated."""
    root = build_case(CASES / "refs" / "reference-cycle", tmp_path / "project")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    out = tmp_path / "out"
    report = generate(root, site_config(root), out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(report.written) == files  # a fresh folder: every file written, once
    texts = {rel: (out / rel).read_text(encoding="utf-8", errors="replace") for rel in files}

    for page, other in CYCLE.items():
        text = texts[page]
        assert text.startswith("---\n") and text.count("\n---\n") == 1, page  # one page
        assert len(text) < 20_000, page
        other_url = urls.relative_url(page, other)
        lists = re.findall(r'<ul class="entity&#45;links">(.*?)</ul>', text, re.DOTALL)
        assert lists, page
        for listed in lists:  # Members, Member of, Affiliated, Related: the other side once
            assert listed.count(f'href="{other_url}"') == 1, (page, listed)
    assert texts["actors/arland/index.md"].count("entity-summary") == 1
    assert texts["glossary/detente/index.md"].count('href="../../glossary/thaw/"') == 2  # text, Related
    # each index lists each side once (the actors' diagram links them again, as a diagram)
    actors = "".join(re.findall(r'<ul class="entity-index">(.*?)</ul>', texts["actors/index.md"],
                                re.DOTALL))
    terms = texts["glossary/index.md"]
    for listing, entry, entities in ((actors, '<li><a href="../actors/{}/"', ("arland", "borvia")),
                                     (terms, '<dt><a href="../glossary/{}/"', ("detente", "thaw"))):
        for entity in entities:
            assert listing.count(entry.format(entity)) == 1, entity

    broken = []
    for page in (p for p in files if p.endswith(".md")):
        for match in _LINK.finditer(texts[page]):
            href = next(g for g in match.groups() if g is not None)
            if re.match(r"[a-z][a-z0-9+.-]*(:|&#58;)", href):  # another site
                continue
            if _link_target(page, href, texts) is None:
                broken.append(f"{page}: {href}")
    assert broken == []
