"""Explainer briefs: structured YAML in, Markdown pages and an MkDocs Material site out.

The pipeline (see pipeline.py): inventory.discover -> validate.validate -> link.link ->
render.render_pages -> write.write_tree, then site.build_site runs MkDocs.

Where rules live: each kind of content in kinds.py (folder, model, rich and reference
fields); characters and normalisation in chars.py; escaping and the rich-text subset in
text.py; ids, paths and links in urls.py; diagnostics and the exception root
(BriefsError) in diagnostics.py; the build cache in cache.py and the incremental state in
incremental.py (plain data, serial.py); one build at a time in lock.py.
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
