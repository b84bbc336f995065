"""Quote provenance: does a quote occur in its seed article, inside one of its quotations,
near a name of its speaker; and if not, what comes closest."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

# One spelling for each family of quote marks, apostrophes, dashes and spaces; each is one
# character for one, so folding keeps every offset.
_FOLDS = (("'", "‘’‚‛′`´“”„‟″«»\""), ("-", "–—‒―‐‑−"), (" ", "\u00a0\u202f\u2009"))
_FOLD_PATTERNS = tuple((re.compile(f"[{re.escape(chars)}]"), to) for to, chars in _FOLDS)
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\s*\.\s*\.|…)\s*")
_SPECIAL = re.compile(r"\s\s+|…")  # what normalising shortens or lengthens
_NON_SPACE = re.compile(r"\S")
_ONE_SPACE = re.compile(r"\s")
_LINE = re.compile(r"[^\r\n]+")
# Marks that open or close a quotation: curly double quotes, and straight double quotes
# (each opens and closes). Single marks never do: ’ is the apostrophe too ("it’s", "the
# Kremlins’"), and a ‘ ’ quotation counts only nested inside a double one, which holds it.
_MARK = re.compile("[“”\"]")
_CLOSER = {"“": "”", '"': '"'}
WINDOW = 2  # the speaker is named in the quote's paragraph or in one of the two before it


def _fold_marks(text: str) -> str:
    for pattern, to in _FOLD_PATTERNS:
        text = pattern.sub(to, text)
    return text


def _fold(text: str) -> str:
    return _SPACE.sub(" ", _fold_marks(text).replace("…", "...")).strip()


@functools.lru_cache(maxsize=64)
def normalise(text: str) -> str:
    """Fold quotes, apostrophes, dashes, ellipses and white space to one spelling each.

    Single and double quote marks fold together: a quote within a quote switches between
    them, and an editor copying a passage should not have to match the outlet's choice.
    """
    return _fold(text)


@dataclass(frozen=True, eq=False)
class Article:
    """What every quote check of one seed article shares, computed once per article
    (`read_article`): its normalised text, where its characters came from, its paragraphs
    and its quotations (offsets in the article as written).

    Normalising keeps offsets but where it shortens a run of white space or spells an
    ellipsis out: the offsets run in step within each segment, which starts at
    `segment_text[k]` in `text` and `segment_article[k]` in the article.
    """

    text: str  # normalise(article)
    segment_text: tuple[int, ...]
    segment_article: tuple[int, ...]
    paragraph_starts: tuple[int, ...]  # where each paragraph starts in `text`
    paragraph_ends: tuple[int, ...]
    quotation_starts: tuple[int, ...]  # just after each quotation's opening mark
    quotation_ends: tuple[int, ...]  # at its closing mark (or its last paragraph's end)

    def origin(self, index: int) -> int:
        """Where `text[index]` comes from in the article as written."""
        k = bisect.bisect_right(self.segment_text, index) - 1
        return self.segment_article[k] + index - self.segment_text[k]

    def quoted(self, start: int, end: int) -> bool:
        """Whether `text[start:end]` lies inside one quotation of the article."""
        lo, hi = self.origin(start), self.origin(end - 1) + 1
        i = bisect.bisect_right(self.quotation_starts, lo) - 1
        return i >= 0 and hi <= self.quotation_ends[i]

    def paragraph(self, index: int) -> int:
        """The paragraph that `text[index]` belongs to (0-based)."""
        return max(0, bisect.bisect_right(self.paragraph_starts, index) - 1)


def read_article(article: str) -> Article:
    folded = _fold_marks(article)
    text, segment_text, segment_article = _normalise_mapped(folded)

    def in_text(offset: int) -> int:  # not inside a run of white space
        k = bisect.bisect_left(segment_article, offset)
        if k == len(segment_article) or segment_article[k] != offset:
            k -= 1
        return segment_text[k] + offset - segment_article[k]

    lines, starts, ends = [], [], []
    for line in _LINE.finditer(folded):
        first = _NON_SPACE.search(folded, line.start(), line.end())
        if first is None:  # a paragraph is a line that is not empty
            continue
        lines.append(line.span())
        starts.append(in_text(first.start()))
        ends.append(in_text(line.start() + len(line.group().rstrip())))
    return Article(text, tuple(segment_text), tuple(segment_article), tuple(starts),
                   tuple(ends), *_quotations(article, lines))


def _normalise_mapped(folded: str) -> tuple[str, list[int], list[int]]:
    """normalise() of a text whose marks are folded, and its segments (see Article)."""
    at = len(folded) - len(folded.lstrip())  # white space before the first word is dropped
    pieces: list[str] = []
    segment_text, segment_article = [0], [at]
    length = 0  # of the normalised text so far
    for match in _SPECIAL.finditer(folded, at):
        start, end = match.span()
        pieces.append(folded[at:start])
        length += start - at
        if match.group() == "…":
            pieces.append("...")
            segment_text += [length, length + 1, length + 2]  # three dots from one "…"
            segment_article += [start, start, start]
            length += 3
        else:
            pieces.append(" ")
            length += 1
        segment_text.append(length)
        segment_article.append(end)
        at = end
    pieces.append(folded[at:])
    return _ONE_SPACE.sub(" ", "".join(pieces)).rstrip(), segment_text, segment_article


def _quotations(article: str, paragraphs: Sequence[tuple[int, int]]
                ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Each quotation from just after its opening mark to its closing mark.

    A quotation that runs over several paragraphs leaves the closing mark off at the end
    of each paragraph but the last and opens the next one with an opening mark (news
    style): it goes on there. A paragraph that does not open so ends it where it ends.
    Within a quotation, marks of the other kind (straight quotes inside curly ones) are a
    quotation within it, and so is a curly pair inside curly quotes.
    """
    starts: list[int] = []
    ends: list[int] = []
    closer = ""  # the mark that closes the open quotation, if one is open
    depth = 0  # curly double quotes nest: “ opens a quotation within it, ” closes one
    last_end = 0
    for start, end in paragraphs:
        at = start
        if closer:
            first = start + len(article[start:end]) - len(article[start:end].lstrip())
            if article[first] in _CLOSER and _CLOSER[article[first]] == closer:
                at = first + 1  # reopened: the quotation goes on
            else:
                ends.append(last_end)
                closer = ""
        for mark in _MARK.finditer(article, at, end):
            char = mark.group()
            if not closer:
                if char in _CLOSER:
                    starts.append(mark.end())
                    closer, depth = _CLOSER[char], 1
            elif char == "“" and closer == "”":
                depth += 1
            elif char == closer:
                depth -= 1
                if not depth:
                    ends.append(mark.start())
                    closer = ""
        last_end = end
    if closer:
        ends.append(last_end)
    return tuple(starts), tuple(ends)


@dataclass(frozen=True)
class Verdict:
    found: bool
    closest: str = ""
    reason: str = ""  # why, when the quote cannot be looked for at all
    unquoted: str = ""  # a part of the quote that is not inside one quotation of the article
    paragraph: int = 0  # where that part occurs (1-based)
    unattributed: tuple[tuple[int, int], ...] = ()  # paragraphs looked in (1-based, first-last)

    @property
    def verified(self) -> bool:
        return self.found and not self.reason and not self.unquoted and not self.unattributed


_WORD = re.compile(r"\w")


def _parts(quote: str) -> list[str]:
    """The parts of a quote (split at ellipses), normalised, without the quotation marks
    around the whole."""
    parts = [normalise(p) for p in _ELLIPSIS.split(quote)]
    parts = [p.strip(" '") if i in (0, len(parts) - 1) else p for i, p in enumerate(parts)]
    return [p for p in parts if p]


def is_elided(quote: str) -> bool:
    """Whether a quote leaves words out (an ellipsis inside it)."""
    return len(_parts(quote)) > 1


def verify_quote(quote: str, article: str) -> Verdict:
    """A quote occurs when its parts (split at ellipses) occur in the article in order,
    each as whole words ("ally isolated" is not in "globally isolated"), and it holds at
    least one word (a quote of only "…" or quotation marks verifies nothing).

    Both texts were normalised to NFC where they entered (load.py, validate.py).
    """
    parts = _parts(quote)
    if not any(_WORD.search(p) for p in parts):
        return Verdict(False, "", "a quote needs at least one word")
    return _occurs([_whole_words(p) for p in parts], parts, normalise(article))


def _occurs(patterns: Sequence[re.Pattern[str]], parts: Sequence[str], haystack: str
            ) -> Verdict:
    position = 0
    for pattern, part in zip(patterns, parts, strict=True):
        found = pattern.search(haystack, position)
        if found is None:
            return Verdict(False, closest_passage(part, haystack))
        position = found.end()
    return Verdict(True)


def check_quote(quote: str, article: Article, names: Sequence[str]) -> Verdict:
    """verify_quote, then: every part lies inside one quotation of the article (any
    occurrence of it there counts), and one of `names` (the speaker's names and aliases,
    or the words of the quote's attribution) occurs, as whole words, in the paragraph of
    one such occurrence or in one of the WINDOW paragraphs before it.

    An elided quote's occurrence runs from the paragraph of its first part to that of its
    last; with no `names` the speaker is not looked for.
    """
    parts = _parts(quote)
    if not any(_WORD.search(p) for p in parts):
        return Verdict(False, "", "a quote needs at least one word")
    patterns = [_whole_words(p) for p in parts]
    verdict = _occurs(patterns, parts, article.text)
    if not verdict.found:
        return verdict
    windows: list[tuple[int, int]] = []
    start = 0
    while (first := _quoted_match(patterns[0], article, start)) is not None:
        end = _quoted_chain(patterns[1:], article, first.end())
        if end is None:  # nor after any later occurrence of the first part
            break
        window = (max(0, article.paragraph(first.start()) - WINDOW), article.paragraph(end - 1))
        if not names or _names_in(names, article, window):
            return Verdict(True)
        if window not in windows:
            windows.append(window)
        start = first.start() + 1
    if windows:
        return Verdict(True, unattributed=tuple((lo + 1, hi + 1) for lo, hi in windows))
    return _narrated(patterns, parts, article)


def _quoted_chain(patterns: Sequence[re.Pattern[str]], article: Article, position: int
                  ) -> int | None:
    """Where the earliest occurrences of `patterns` from `position` on, in order and each
    inside a quotation, end; None when there are none."""
    for pattern in patterns:
        found = _quoted_match(pattern, article, position)
        if found is None:
            return None
        position = found.end()
    return position


def _quoted_match(pattern: re.Pattern[str], article: Article, position: int
                  ) -> re.Match[str] | None:
    """The first occurrence of `pattern` from `position` on that lies inside a quotation."""
    while (found := pattern.search(article.text, position)) is not None:
        if article.quoted(found.start(), found.end()):
            return found
        position = found.start() + 1
    return None


def _narrated(patterns: Sequence[re.Pattern[str]], parts: Sequence[str], article: Article
              ) -> Verdict:
    """The first part (in order) with no occurrence inside a quotation, and where it occurs."""
    position = 0
    for pattern, part in zip(patterns, parts, strict=True):
        quoted = _quoted_match(pattern, article, position)
        if quoted is None:
            found = pattern.search(article.text, position) or pattern.search(article.text)
            where = article.paragraph(found.start()) + 1 if found else 0
            return Verdict(True, unquoted=part, paragraph=where)
        position = quoted.end()
    raise AssertionError("a quote with a quoted occurrence is not narrated")  # pragma: no cover


def _names_in(names: Sequence[str], article: Article, window: tuple[int, int]) -> bool:
    pattern = _any_name(tuple(names))
    return pattern is not None and any(
        pattern.search(article.text, article.paragraph_starts[i], article.paragraph_ends[i])
        for i in range(window[0], window[1] + 1))


@functools.lru_cache(maxsize=1024)
def _any_name(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of `names`, normalised, as whole words (as mentions are found: aliases.py)."""
    folded = sorted({n for n in map(_fold, names) if n}, key=lambda n: (-len(n), n))
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, folded)) + r")(?!\w)")


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
