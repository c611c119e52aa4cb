"""Text repairs of the heuristic extractor: hyphenation, line unwrapping, ligatures and mojibake.

Hyphenation (``join_hyphenation``). A word cut at a line end (``hyperten-`` / ``sion``), or left cut with
a space where the line break was (``épi- dermoïdes``, as GROBID writes it), is joined when the letter
before the hyphen and the letter after it are lowercase. The hyphen is kept (``photo-`` / ``exposées``
gives ``photo-exposées``) when the hyphenated word is written elsewhere in the same text
(``words_with_hyphens``); otherwise the two parts are glued. After a hyphen and a space, a next word
``et``, ``ou``, ``ni`` or ``à`` is the suspended hyphen of a coordination (``pré- et post-opératoire``)
and is left alone.

Unwrapping (``unwrap``): the lines of a paragraph are stripped and joined by single spaces, so that a
sentence is no longer broken across lines; lines with no letter or digit (stray ``|`` or ``.`` left by
OCR or layout) are dropped, and runs of spaces collapse to one.

Ligatures and mojibake (``fix_ligatures``, ``fix_mojibake``): ftfy with one family of fixes at a time, so
each can be reported on its own: Latin ligatures (U+FB00–U+FB06: ``ﬁ`` -> ``fi``), then encoding repairs
(UTF-8 read as Windows-1252 and the like: ``dÃ©pistage`` -> ``dépistage``, ``â€™`` -> ``’``). Quotes,
character widths and Unicode normalisation are left as they are.
"""

from __future__ import annotations

import re

import ftfy
from ftfy import TextFixerConfig

__all__ = ["join_hyphenation", "words_with_hyphens", "unwrap", "fix_ligatures", "fix_mojibake"]

_BROKEN = re.compile(r"(\w+)-(?:[ \t]*\n[ \t]*|[ \t]+)(\w+)")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_COORDINATION = frozenset({"et", "ou", "ni", "à"})
_SPACES = re.compile(r"[ \t\u00a0]{2,}")

_NOTHING = dict(
    unescape_html=False, remove_terminal_escapes=False, fix_encoding=False, restore_byte_a0=False,
    replace_lossy_sequences=False, decode_inconsistent_utf8=False, fix_c1_controls=False,
    fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    fix_surrogates=False, remove_control_chars=False, normalization=None, explain=False,
)
LIGATURES = TextFixerConfig(**{**_NOTHING, "fix_latin_ligatures": True})
"""ftfy configuration that only expands Latin ligatures."""
MOJIBAKE = TextFixerConfig(
    **{**_NOTHING, "fix_encoding": True, "restore_byte_a0": True, "replace_lossy_sequences": True,
       "decode_inconsistent_utf8": True, "fix_c1_controls": True}
)
"""ftfy configuration that only repairs encoding mix-ups (mojibake)."""


def words_with_hyphens(text: str) -> set[str]:
    """Lowercased hyphenated words written in ``text`` on one line (``photo-exposées``)."""
    return {m.group().lower() for m in _HYPHENATED.finditer(text)}


def join_hyphenation(text: str, hyphenated: set[str] | frozenset[str] = frozenset()) -> str:
    """Join words cut by an end-of-line hyphen (see module doc); ``hyphenated`` keeps real compounds."""

    def repl(match: re.Match) -> str:
        """The replacement of one hyphen-and-break: joined, kept with its hyphen, or left as it was."""
        first, second = match.group(1), match.group(2)
        broken_line = "\n" in match.group()
        if not (first[-1].isalpha() and first[-1].islower() and second[0].isalpha() and second[0].islower()):
            return match.group()
        if not broken_line and second.lower() in _COORDINATION:
            return match.group()
        if f"{first}-{second}".lower() in hyphenated:
            return f"{first}-{second}"
        return first + second

    return _BROKEN.sub(repl, text)


def unwrap(text: str) -> str:
    """One line: lines stripped and joined by spaces, lines without letters or digits dropped."""
    kept = [line.strip() for line in text.split("\n")]
    kept = [line for line in kept if any(ch.isalnum() for ch in line)]
    return _SPACES.sub(" ", " ".join(kept))


def fix_ligatures(text: str) -> str:
    """Expand Latin ligatures (``ﬁ`` -> ``fi``)."""
    return ftfy.fix_text(text, LIGATURES)


def fix_mojibake(text: str) -> str:
    """Repair text decoded with the wrong encoding (``dÃ©pistage`` -> ``dépistage``)."""
    return ftfy.fix_text(text, MOJIBAKE)
