"""Built pages without the white space a browser ignores (run on every page MkDocs writes).

Material's templates indent every line; on a brief page that is about 4 KB of the 45 KB,
repeated on each of the site's pages. A line break followed by white space is shown as
the line break alone in normal text flow, so the white space after it goes. The content
of `pre`, `textarea`, `script` and `style` elements is left as it is (white space is
significant there, or may be).
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n\s+")  # not `\s*\n\s*`: four times slower, for ~0.1% more


def compact_html(html: str) -> str:
    """`html` with each line break's following white space taken out, outside `pre`,
    `textarea`, `script` and `style` (about 0.5 ms for a 45 KB page)."""
    out = []
    start = 0
    for kept in _KEPT.finditer(html):
        out.append(_INDENT.sub("\n", html[start:kept.start()]))
        out.append(kept.group())
        start = kept.end()
    out.append(_INDENT.sub("\n", html[start:]))
    return "".join(out)
