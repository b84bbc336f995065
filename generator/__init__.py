"""Explainer briefs: structured YAML in, Markdown pages and an MkDocs Material site out.

The pipeline (see pipeline.py): inventory.discover -> validate.validate -> link.link ->
render.render_pages -> write.write_tree, then site.build_site runs MkDocs.
"""

from __future__ import annotations

from .diagnostics import BriefsError, Diagnostic, DiagnosticsError, EnvironmentProblem
from .pipeline import check, generate, generate_files
from .urls import SiteConfig

__all__ = [
    "BriefsError",
    "Diagnostic",
    "DiagnosticsError",
    "EnvironmentProblem",
    "SiteConfig",
    "check",
    "generate",
    "generate_files",
]
