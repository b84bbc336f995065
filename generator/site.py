"""MkDocs, at arm's length: version checks, configuration, and the strict build into site/."""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, DiagnosticsError, EnvironmentProblem
from .urls import SiteConfig
from .write import staged_folder

CONFIG_FILE = "mkdocs.yml"
SITE_DIR = "site"
SUPPORTED = {"mkdocs": ((1, 6, 1), (2, 0, 0)), "mkdocs-material": ((9, 8, 0), (10, 0, 0))}
DEFAULT_SITE_NAME = "Explainer Briefs"

# True while `briefs build` runs MkDocs on docs it has just generated (the hook skips then).
_state = {"generated": False}


def generated_by_caller() -> bool:
    return _state["generated"]


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_versions() -> None:
    for package, (low, high) in SUPPORTED.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            raise EnvironmentProblem(f"{package} is not installed; run `make site` or "
                                     "`pip install -e .` first") from None
        if not low <= _version(found) < high:
            wanted = f">={'.'.join(map(str, low))},<{'.'.join(map(str, high))}"
            raise EnvironmentProblem(f"{package} {found} is not supported; this project "
                                     f"needs {package}{wanted}")


def load_mkdocs_config(root: Path, **overrides: Any) -> Any:
    check_versions()
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    path = root / CONFIG_FILE
    if not path.is_file():
        raise EnvironmentProblem(f"no {CONFIG_FILE} in {root.name or root}")
    try:
        return load_config(config_file=str(path), **overrides)
    except ConfigurationError as exc:
        raise EnvironmentProblem(f"{CONFIG_FILE} is not valid: {exc}") from exc


def site_config(root: Path) -> SiteConfig:
    """Site name and URL as MkDocs sees them (site_url follows $SITE_URL)."""
    try:
        config = load_mkdocs_config(root)
    except EnvironmentProblem:
        return SiteConfig(DEFAULT_SITE_NAME, "")
    return SiteConfig.of(config.site_name, config.site_url)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(root: Path, site_dir: Path | None = None) -> None:
    """`mkdocs build --strict` into a staging folder that replaces site/ only on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    target = site_dir or root / SITE_DIR
    with staged_folder(target) as staging:
        config = load_mkdocs_config(root, site_dir=str(staging), strict=True)
        collector = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collector)
        _state["generated"] = True
        try:
            build(config)
        except MkDocsException as exc:
            details = "; ".join(collector.messages) or str(exc)
            raise DiagnosticsError([Diagnostic(CONFIG_FILE, 1, 1, "site-build",
                                               f"MkDocs build failed: {details}")]) from exc
        finally:
            _state["generated"] = False
            logger.removeHandler(collector)
