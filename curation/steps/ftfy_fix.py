"""``ftfy_fix``: repair encoding damage with ftfy, as datatrove's ``FTFYFormatter``, ligatures included.

The options and their defaults are those of datatrove's ``FTFYFormatter`` (fix mojibake, HTML
entities, terminal escapes, C1 controls, surrogates; remove control characters; no normalisation,
curly quotes and full-width characters kept) except ``fix_latin_ligatures``, on here: PDF text often
carries ``ﬁ``/``ﬂ``/``ﬀ`` ligatures, which split words for every later step. The stock formatter does
the work; the step counts the documents it changed (stat ``changed``).
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document

from curation.errors import require
from curation.steps.base import StepConfig, Transform
from curation.steps.registry import register


class FtfyFixConfig(StepConfig):
    """Config of ``ftfy_fix`` (ftfy ``TextFixerConfig`` options, datatrove's defaults, ligatures on)."""

    step: Literal["ftfy_fix"] = "ftfy_fix"
    """Step name."""
    unescape_html: Literal["auto"] | bool = "auto"
    """Decode HTML entities (``&eacute;``); ``auto``: unless the text looks like HTML."""
    remove_terminal_escapes: bool = True
    """Remove ANSI terminal escape sequences."""
    fix_encoding: bool = True
    """Repair mojibake (UTF-8 decoded as Windows-1252/Latin-1: ``Ã©`` -> ``é``)."""
    restore_byte_a0: bool = True
    """Allow a space to stand for a lost 0xA0 byte while repairing mojibake."""
    replace_lossy_sequences: bool = True
    """Replace sequences of mojibake that cannot be fully repaired by U+FFFD."""
    decode_inconsistent_utf8: bool = True
    """Repair mojibake mixed with correct text in the same string."""
    fix_c1_controls: bool = True
    """Replace C1 control characters by the Windows-1252 characters they stand for."""
    fix_latin_ligatures: bool = True
    """Expand Latin ligatures (``ﬁ`` -> ``fi``, ``ﬂ`` -> ``fl``); on here, off in datatrove's default."""
    fix_character_width: bool = False
    """Turn full-width Latin characters and half-width katakana into normal width."""
    uncurl_quotes: bool = False
    """Replace curly quotes and apostrophes by straight ones."""
    fix_line_breaks: bool = False
    """Turn CRLF, CR and Unicode line separators into ``\\n``."""
    fix_surrogates: bool = True
    """Replace UTF-16 surrogate pairs by the characters they encode."""
    remove_control_chars: bool = True
    """Remove control characters that have no displayed effect."""
    normalization: Literal["NFC", "NFD", "NFKC", "NFKD"] | None = None
    """Unicode normalisation to apply; null: none."""


@register
class FtfyFix(Transform):
    """Fixes text with ftfy through datatrove's ``FTFYFormatter`` (Latin ligatures expanded)."""

    name = "ftfy_fix"
    Config = FtfyFixConfig

    def __init__(self, config: FtfyFixConfig, context, index: int):
        super().__init__(config, context, index)
        require("ftfy", "quality", "the ftfy_fix step")
        from datatrove.pipeline.formatters import FTFYFormatter

        options = config.model_dump(exclude={"step", "routes"})
        self._formatter = FTFYFormatter(**options)

    def transform(self, text: str, doc: Document) -> str:
        return self._formatter.format(text)
