"""Quote provenance: does a quote occur in its seed article, and if not, what comes closest."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": "'", "”": "'", "„": "'", "‟": "'", "″": "'", "«": "'", "»": "'", '"': "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\s*\.\s*\.|…)\s*")


@functools.lru_cache(maxsize=64)
def normalise(text: str) -> str:
    """Fold quotes, apostrophes, dashes, ellipses and white space to one spelling each.

    Single and double quote marks fold together: a quote within a quote switches between
    them, and an editor copying a passage should not have to match the outlet's choice.
    """
    return _SPACE.sub(" ", text.translate(_QUOTES).replace("…", "...")).strip()


@dataclass(frozen=True)
class Verdict:
    found: bool
    closest: str = ""
    reason: str = ""  # why, when the quote cannot be looked for at all


_WORD = re.compile(r"\w")


def verify_quote(quote: str, article: str) -> Verdict:
    """A quote occurs when its parts (split at ellipses) occur in the article in order,
    each as whole words ("ally isolated" is not in "globally isolated"), and it holds at
    least one word (a quote of only "…" or quotation marks verifies nothing).

    Both texts were normalised to NFC where they entered (load.py, validate.py).
    """
    parts = [normalise(p) for p in _ELLIPSIS.split(quote)]
    parts = [p.strip(" '") if i in (0, len(parts) - 1) else p for i, p in enumerate(parts)]
    parts = [p for p in parts if p]
    if not any(_WORD.search(p) for p in parts):
        return Verdict(False, "", "a quote needs at least one word")
    haystack = normalise(article)
    position = 0
    for part in parts:
        found = _whole_words(part).search(haystack, position)
        if found is None:
            return Verdict(False, closest_passage(part, haystack))
        position = found.end()
    return Verdict(True)


def _whole_words(part: str) -> re.Pattern[str]:
    """`part` where it starts and ends on word boundaries (when it starts or ends with a
    word character: a part may begin or end with punctuation)."""
    head = r"(?<!\w)" if _WORD.match(part[0]) else ""
    tail = r"(?!\w)" if _WORD.match(part[-1]) else ""
    return re.compile(head + re.escape(part) + tail)


def closest_passage(needle: str, haystack: str, width: int = 160) -> str:
    """The stretch of the article most like `needle` (for the error message)."""
    matcher = difflib.SequenceMatcher(None, haystack, needle, autojunk=False)
    best_start, best_ratio = 0, -1.0
    step = max(1, len(needle) // 4)
    for start in range(0, max(1, len(haystack) - len(needle) + step), step):
        window = haystack[start:start + len(needle)]
        matcher.set_seq1(window)
        ratio = matcher.quick_ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
            if ratio == 1.0:
                break
    lo, hi = best_start, best_start + len(needle)
    # Refine around the best window with the exact ratio, then widen to word boundaries.
    candidates = range(max(0, lo - step), min(len(haystack), lo + step) + 1)
    best = max(candidates, key=lambda s: (difflib.SequenceMatcher(
        None, haystack[s:s + len(needle)], needle, autojunk=False).ratio(), -s))
    lo, hi = best, min(len(haystack), best + len(needle))
    while lo > 0 and haystack[lo - 1] != " ":
        lo -= 1
    while hi < len(haystack) and haystack[hi] != " ":
        hi += 1
    passage = haystack[lo:hi].strip()
    return passage if len(passage) <= width else passage[: width - 1].rstrip() + "…"
