"""MkDocs hooks: plain `mkdocs build` and `mkdocs serve` generate the docs folder first.

A thin adapter: it calls the pipeline and reports; the logic lives in the package.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

# MkDocs loads this file by path, outside the package: imports are absolute.
from generator import site as _site
from generator.diagnostics import DiagnosticsError, EnvironmentProblem, format_diagnostics
from generator.inventory import BRIEFS_DIR, SEEDS_DIR
from generator.pipeline import generate
from generator.render import TEMPLATES_DIR, SiteConfig

log = logging.getLogger("mkdocs.briefs")

_state = {"serving": False}


def on_startup(command: str, dirty: bool) -> None:
    _state["serving"] = command == "serve"


def on_config(config: Any) -> Any:
    if _site.generated_by_caller():
        return config
    root = Path(config.config_file_path).parent
    url = config.site_url or ""
    site = SiteConfig(config.site_name, url if url.endswith("/") or not url else url + "/")
    try:
        report = generate(root, site, Path(config.docs_dir))
    except (DiagnosticsError, EnvironmentProblem) as exc:
        text = (format_diagnostics(exc.diagnostics) if isinstance(exc, DiagnosticsError)
                else str(exc))
        if _state["serving"]:
            log.error("content errors; still serving the last good pages:\n%s", text)
            return config
        raise PluginError(f"content errors:\n{text}") from exc
    if report.changed:
        log.info("briefs: %d file(s) written, %d removed", len(report.written),
                 len(report.removed))
    return config


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    root = Path(config.config_file_path).parent
    for folder in (BRIEFS_DIR, SEEDS_DIR, TEMPLATES_DIR):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
