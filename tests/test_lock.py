"""requirements.lock agrees with pyproject.toml, and the Makefile installs from it.

The lock is one universal resolution (`make lock`): exact pins with hashes, some of them
under environment markers. Every direct dependency (runtime, the test extra, the build
group and the build backend) must be pinned inside pyproject's range, exactly once for any
supported platform and Python; every pin carries a SHA-256 hash, as pip's
`--require-hashes` mode demands. The checks run on mutated copies of the lock too, so they
are shown to fail.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

LOCK = REPO / "requirements.lock"
PYPROJECT = REPO / "pyproject.toml"
MAKEFILE = REPO / "Makefile"

_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\Z")

# Environments the project supports (requires-python >= 3.11, any platform): one pin of
# every direct dependency must apply in each.
_PLATFORMS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
              "platform_machine": "x86_64"},
    "linux-arm": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                  "platform_machine": "aarch64"},
    "macos": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
              "platform_machine": "arm64"},
    "windows": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                "platform_machine": "AMD64"},
}
_PYTHONS = ("3.11.0", "3.11.4", "3.11.5", "3.12.0", "3.13.0", "3.14.0")
ENVIRONMENTS = [
    {**platform, "python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
     "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    for platform in _PLATFORMS.values() for full in _PYTHONS
]


@dataclass
class Pin:
    name: str  # normalised (PEP 503)
    version: str
    marker: str  # "" when it applies everywhere
    hashes: list[str] = field(default_factory=list)
    line: int = 0


def parse_lock(text: str) -> tuple[list[Pin], list[str]]:
    """The pins of a lock in pip's requirements format, and the problems of its lines."""
    pins: list[Pin] = []
    problems: list[str] = []
    logical: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        joined = " ".join(p for p in pending if p)
        pending = []
        if joined:
            logical.append((start, joined))
    for number, entry in logical:
        words = entry.split()
        hashes = [w for w in words if w.startswith("--hash=")]
        spec = " ".join(w for w in words if not w.startswith("--hash="))
        where = f"requirements.lock:{number}"
        if spec.startswith("-"):
            problems.append(f"{where}: an option line ({spec.split()[0]}) in the lock")
            continue
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(f"{where}: not a requirement: {exc}")
            continue
        specifiers = list(requirement.specifier)
        if requirement.url or len(specifiers) != 1 or specifiers[0].operator != "==":
            problems.append(f"{where}: {spec!r} is not pinned with ==")
            continue
        bad = [h for h in hashes if not _HASH.match(h)]
        if bad:
            problems.append(f"{where}: {requirement.name}: not a sha256 hash: {bad[0]}")
        pin = Pin(canonicalize_name(requirement.name), specifiers[0].version,
                  str(requirement.marker or ""), [h for h in hashes if _HASH.match(h)], number)
        if not pin.hashes:
            problems.append(f"{where}: {pin.name}=={pin.version} has no --hash=sha256:")
        pins.append(pin)
    return pins, problems


def direct_requirements(pyproject: dict[str, Any]) -> list[Requirement]:
    """Runtime dependencies, the test extra (with the project's own extras it names, such
    as `briefs[zensical]`), the build group and the build backend."""
    project = pyproject["project"]
    extras = project["optional-dependencies"]
    texts = [*project["dependencies"], *pyproject["dependency-groups"]["build"],
             *pyproject["build-system"]["requires"]]
    for text in extras["test"]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == canonicalize_name(project["name"]):
            texts += [t for extra in sorted(requirement.extras) for t in extras[extra]]
        else:
            texts.append(text)
    return [Requirement(text) for text in texts]


def _applies(pin: Pin, environment: dict[str, str]) -> bool:
    return not pin.marker or Marker(pin.marker).evaluate(environment)


def lock_problems(lock_text: str, pyproject: dict[str, Any]) -> list[str]:
    """Everything that makes the lock disagree with pyproject.toml (empty when it agrees)."""
    pins, problems = parse_lock(lock_text)
    seen: dict[tuple[str, str], Pin] = {}
    for pin in pins:
        key = (pin.name, pin.marker)
        if key in seen:
            problems.append(f"requirements.lock:{pin.line}: {pin.name} is pinned twice"
                            + (f" for `{pin.marker}`" if pin.marker else "")
                            + f" (also line {seen[key].line})")
        seen[key] = pin
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    for requirement in direct_requirements(pyproject):
        name = canonicalize_name(requirement.name)
        candidates = by_name.get(name, [])
        if not candidates:
            problems.append(f"{requirement.name} (pyproject.toml: {requirement}) is not "
                            "pinned in requirements.lock")
            continue
        for pin in candidates:
            if not requirement.specifier.contains(Version(pin.version), prereleases=True):
                problems.append(f"requirements.lock:{pin.line}: {pin.name}=={pin.version} is "
                                f"outside pyproject.toml's range {requirement}")
        for environment in ENVIRONMENTS:
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            applying = [p for p in candidates if _applies(p, environment)]
            if len(applying) != 1:
                where = (f"{environment['sys_platform']} {environment['platform_machine']} "
                         f"Python {environment['python_full_version']}")
                problems.append(f"{requirement.name}: {len(applying)} pins apply on {where} "
                                "(one expected)")
    return problems


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)


@pytest.fixture(scope="module")
def lock_text() -> str:
    return LOCK.read_text(encoding="utf-8")


def test_lock_agrees_with_pyproject(lock_text: str, pyproject: dict[str, Any]) -> None:
    problems = lock_problems(lock_text, pyproject)
    assert problems == [], "run `make lock`:\n" + "\n".join(problems)


def test_lock_is_made_by_make_lock(lock_text: str) -> None:
    assert "make lock" in lock_text.splitlines()[1], "the header names the command to rerun"


def test_build_backend_is_locked_and_in_the_build_group(pyproject: dict[str, Any]) -> None:
    """The project installs without build isolation, so the backend comes from the lock."""
    backend = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier)
               for r in pyproject["build-system"]["requires"]}
    group = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier)
             for r in pyproject["dependency-groups"]["build"]}
    assert backend == group
    # SPDX license expressions (`license = "MIT"`) need setuptools 77
    assert Requirement(pyproject["build-system"]["requires"][0]).specifier.contains("77.0.0")
    assert not Requirement(pyproject["build-system"]["requires"][0]).specifier.contains("76.9")
    assert pyproject["project"]["license"] == "MIT"


def _drop(text: str, name: str) -> str:
    """The lock without the block (pin, hashes, comments) of `name`."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line and not line[0].isspace() and not line.startswith("#"):
            skipping = canonicalize_name(re.split(r"[=<>!~ ;\\]", line, maxsplit=1)[0]) == name
        if not skipping:
            out.append(line)
    return "".join(out)


def _replace_version(text: str, name: str, version: str) -> str:
    return re.sub(rf"(?m)^{re.escape(name)}==[^ ;\\\n]+", f"{name}=={version}", text, count=1)


def _strip_hashes(text: str, name: str) -> str:
    """`name`'s pin with its hashes removed (the next line is its comment)."""
    block = re.search(rf"(?ms)^{re.escape(name)}==[^\n]*?\\\n(?:    --hash=[^\n]*\n)+", text)
    assert block is not None
    pin = block.group(0).split("\\\n", 1)[0].rstrip() + "\n"
    return text.replace(block.group(0), pin, 1)


def _duplicate(text: str, name: str) -> str:
    block = re.search(rf"(?ms)^{re.escape(name)}==.*?(?=^\S)", text)
    assert block is not None
    return text + block.group(0)


MUTATIONS: dict[str, tuple[Callable[[str], str], str]] = {
    "a runtime dependency missing": (lambda t: _drop(t, "jinja2"),
                                     "jinja2 (pyproject.toml: jinja2<4,>=3.1) is not pinned"),
    "a test dependency missing": (lambda t: _drop(t, "hypothesis"), "hypothesis"),
    "the build backend missing": (lambda t: _drop(t, "setuptools"), "setuptools"),
    "a pin above the range": (lambda t: _replace_version(t, "mkdocs", "2.0.0"),
                              "mkdocs==2.0.0 is outside pyproject.toml's range"),
    "a pin below the range": (lambda t: _replace_version(t, "pydantic", "1.10.13"),
                              "pydantic==1.10.13 is outside"),
    "a pin without hashes": (lambda t: _strip_hashes(t, "pyyaml"), "has no --hash=sha256:"),
    "a pin twice": (lambda t: _duplicate(t, "jinja2"), "jinja2 is pinned twice"),
    "a range instead of a pin": (lambda t: t.replace("\npytest==", "\npytest>=", 1),
                                 "is not pinned with =="),
    "an index option": (lambda t: t + "--extra-index-url https://example.invalid/simple\n",
                        "an option line"),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_disagreeing_lock_fails(mutation: str, lock_text: str,
                                  pyproject: dict[str, Any]) -> None:
    mutate, expected = MUTATIONS[mutation]
    mutated = mutate(lock_text)
    assert mutated != lock_text, "the mutation changed nothing"
    problems = lock_problems(mutated, pyproject)
    assert any(expected in p for p in problems), problems


def test_one_pin_per_environment_is_checked(pyproject: dict[str, Any]) -> None:
    """Pins split by markers must cover every supported Python: a gap is found."""
    lock = ("jinja2==3.1.6 ; python_full_version < '3.12' \\\n"
            "    --hash=sha256:" + "0" * 64 + "\n")
    problems = lock_problems(lock, {**pyproject, "project": {
        **pyproject["project"], "dependencies": ["jinja2>=3.1"],
        "optional-dependencies": {"test": []}}, "dependency-groups": {"build": []},
        "build-system": {"requires": []}})
    assert any("0 pins apply on linux x86_64 Python 3.12.0" in p for p in problems), problems


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile rule, continuation lines joined."""
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe: list[str] = []
    for line in lines[start + 1:]:
        if not line.startswith("\t") and not (recipe and recipe[-1].endswith("\\")):
            break
        if recipe and recipe[-1].endswith("\\"):
            recipe[-1] = recipe[-1][:-1] + " " + line.strip()
        else:
            recipe.append(line.strip())
    return recipe


def test_makefile_installs_from_the_lock_with_hashes() -> None:
    header = next(line for line in MAKEFILE.read_text(encoding="utf-8").splitlines()
                  if line.startswith("$(STAMP):"))
    assert {"requirements.lock", "pyproject.toml"} <= set(header.split(":", 1)[1].split())
    pip = [c for c in _recipe("$(STAMP)") if " pip install" in c]
    assert any("--require-hashes" in c.split() and "-r requirements.lock" in c for c in pip), pip
    project = [c for c in pip if c.split()[-2:] == ["-e", "."]]
    assert project and all("--no-deps" in c.split() for c in project), pip
    # nothing else is installed: only the lock (hashed) and the project (no dependencies)
    assert len(pip) == 2, pip


def test_make_lock_compiles_a_universal_hashed_lock() -> None:
    compile_ = next(c for c in _recipe("lock") if "uv pip compile" in c).split()
    assert {"--universal", "--generate-hashes", "--extra", "--group"} <= set(compile_)
    assert compile_[compile_.index("--python-version") + 1] == "3.11"
    assert compile_[compile_.index("-o") + 1] == "requirements.lock"
