"""Character rules for every text that enters: Unicode normalisation and refused characters.

One place decides which characters may be content, for every field kind (plain, rich,
URL, id) and for every value shown in a message. Text is normalised to NFC once, where it
is read (load.py for YAML scalars, validate.py for seed articles), so two spellings of
the same word never count as two words, two aliases or two quotes.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width, bidi controls and other invisible format characters are never content.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Control (C0, DEL, C1), surrogate, private-use, unassigned (U+FFFE, U+FFFF included),
# format and line/paragraph separator characters.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"})
_LINE_BREAKS = "\n\r\u2028\u2029\x85\x0b\x0c"
_ZWJ = "\u200d"
_VS16 = "\ufe0f"


def nfc(value: str) -> str:
    """The one normal form of text inside the generator (NFC)."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _is_emoji_part(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) == "So" or char == _VS16
            or 0x1F3FB <= code <= 0x1F3FF)  # skin-tone modifiers


def _joins_emoji(value: str, index: int) -> bool:
    """A zero-width joiner is part of an emoji sequence (👩‍💻), never inside a word."""
    return (0 < index < len(value) - 1 and _is_emoji_part(value[index - 1])
            and unicodedata.category(value[index + 1]) == "So")


def bad_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """(index, reason) of the first character that cannot be content text, or None."""
    # Fast path: str.isprintable() is False for every category refused below (and for
    # spaces other than U+0020, which are fine: the slow loop then decides).
    if multiline:
        if all(line.replace("\t", " ").isprintable() for line in value.split("\n")):
            return None
    elif value.isprintable():
        return None
    for index, char in enumerate(value):
        if char == "\n" and multiline:
            continue
        if char in _LINE_BREAKS:
            return index, "must be a single line (no line breaks)"
        if char == "\t" and multiline:
            continue
        if char == _ZWJ and _joins_emoji(value, index):
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES or _INVISIBLE.match(char):
            return index, (f"contains the invisible or control character U+{ord(char):04X}; "
                           "remove it")
    return None


def text_problem(value: str, *, multiline: bool) -> str | None:
    found = bad_character(value, multiline=multiline)
    return found[1] if found else None


def shown(value: str) -> str:
    """Text for a message, always one line: refused, invisible and white-space characters
    other than the plain space are written as \\uXXXX, so no value can break a message
    into two lines or hide part of it."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() and not bad_character(c, multiline=False)
                   else f"\\u{ord(c):04x}" for c in value)
