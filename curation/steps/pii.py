"""Personal identifiers in French clinical text: find them (``find_pii``), tag them, optionally redact them.

Finding is a pure function of the text: ``find_pii(text, kinds)`` returns non-overlapping ``Span``\\ s,
in text order. The ``pii`` step writes what it found into metadata (``pii_types``, ``pii_count``,
``pii_redacted``, see ``curation/document.py``), counts each kind in stats (``pii.email``...) and, with
``redact: true``, replaces every span by a placeholder (``[EMAIL]``, ``[TEL]``, ``[NIR]``...), right to
left so that earlier offsets stay valid. No pattern matches a placeholder, and ``find_pii`` searches
the text again with what it found replaced until nothing new turns up, so redacting twice gives the
text of redacting once.

Kinds and what counts as one:

- ``email``: ``local@domain.tld``.
- ``phone``: French numbers, national (``06 12 34 56 78``, ``06.12.34.56.78``, ``0612345678``) or
  international (``+33 6 12 34 56 78``, ``0033 6...``, ``+33 (0)6...``), landlines 01–05, mobiles 06–07
  and 09; the separator is the same between every pair of digits, and no further pair follows.
- ``nir``: social security number, 13 characters (sex 1/2, year, month, department — ``2A``/``2B`` for
  Corsica —, commune, order) and a 2-digit key, with or without spaces; only when the key is right:
  ``key == 97 - (number mod 97)`` with ``2A`` read as ``19`` and ``2B`` as ``18``.
- ``patient_id``: digits (5 or more, optionally after up to 3 capital letters) after a label: ``IPP``,
  ``NIP``, ``NDA``, ``n° de dossier``, ``numéro patient``, ``identifiant patient``...; the label stays.
- ``birth_date``: a date after ``né(e) le``, ``née le``, ``date de naissance`` or ``DDN``; the label stays.
- ``address``: a street number, a street type (``rue``, ``avenue``, ``boulevard``...) and a capitalised
  name, with an optional postcode and city.
- ``rpps`` (11 digits) and ``adeli`` (9 digits): after their label (``RPPS``, ``n° ADELI``...).
- ``iban``: a French IBAN (``FR`` + 25 characters) whose ISO 13616 check digits are right.

When matches overlap, the more specific kind wins (the order of ``PII_KINDS``), then the longer match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from datatrove.data import Document
from pydantic import Field

from curation.steps.base import StepConfig, Tagger
from curation.steps.registry import register

PiiKind = Literal["iban", "nir", "email", "rpps", "adeli", "patient_id", "birth_date", "phone", "address"]
"""A kind of personal identifier."""

PII_KINDS: tuple[str, ...] = get_args(PiiKind)
"""Every kind, most specific first (this order settles overlapping matches)."""

PLACEHOLDERS: dict[str, str] = {
    "email": "[EMAIL]",
    "phone": "[TEL]",
    "nir": "[NIR]",
    "patient_id": "[IPP]",
    "birth_date": "[DATE_NAISSANCE]",
    "address": "[ADRESSE]",
    "rpps": "[RPPS]",
    "adeli": "[ADELI]",
    "iban": "[IBAN]",
}
"""What ``redact`` writes in place of each kind."""


@dataclass(frozen=True, slots=True)
class Span:
    """One identifier found in a text: its kind and ``text[start:end]``."""

    kind: str
    start: int
    end: int
    text: str


# --- patterns -----------------------------------------------------------------------------------

_NUM_END = r"(?!\w)(?![.,/-]\d)"
"""After a number: no letter or digit, and no separator followed by a digit (a longer number)."""
_NUM_START = r"(?<![\w+])(?<!\d[.,/-])"
"""Before a number: no letter, digit or ``+``, and no digit followed by a separator."""

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[\w-]+\.)+[A-Za-z]{2,}(?![\w-])")

_PHONE = re.compile(
    _NUM_START
    + r"(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-79]([ .-]?)\d{2}(?:\1\d{2}){3}"
    + r"(?!\1\d{2}(?!\w))"  # not the start of a longer series of pairs
    + _NUM_END
)

_NIR = re.compile(
    _NUM_START
    + r"(?P<sex>[12])[ .-]?(?P<year>\d{2})[ .-]?(?P<month>\d{2})[ .-]?(?P<dept>\d{2}|2[AaBb])[ .-]?"
    r"(?P<commune>\d{3})[ .-]?(?P<order>\d{3})[ .-]?(?P<key>\d{2})"
    + _NUM_END
)

_LABEL_GAP = r"\s*(?:[:#]\s*)?(?:(?i:n[°o]|num(?:éro|ero|\.)?)\s*[:.]?\s*)?"
"""Between a label and its value: ``:``, ``#``, ``n°``, ``numéro``... and spaces."""

_PATIENT_ID = re.compile(
    r"(?<!\w)(?:IPP|NIP|NDA|(?i:(?:n[°o]|num(?:éro|ero|\.)?)\s*(?:de\s+|du\s+)?(?:dossier|patient)"
    r"|(?:dossier|identifiant|id)\s+(?:du\s+)?patient|dossier\s+m[ée]dical|dossier))"
    + _LABEL_GAP
    + r"(?P<value>(?<![\w])[A-Z]{0,3}\d{5,})"
    + _NUM_END
)

_MONTHS = r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
_BIRTH_DATE = re.compile(
    r"(?<!\w)(?i:(?:n[ée]e?|n[ée]\s*\(e\)|ne\s*\(e\))\s+le|date\s+de\s+naissance|DDN)\s*:?\s*"
    r"(?P<value>\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}(?:er)?\s+(?i:" + _MONTHS + r")\s+\d{4})"
    + _NUM_END
)

_SP = r"[^\S\n]+"
"""Spaces within one line (a street or city name does not run onto the next line)."""
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_PARTICLE = (
    rf"(?:de{_SP}la{_SP}|de{_SP}l['’][^\S\n]*|d['’][^\S\n]*|l['’][^\S\n]*|du{_SP}|des{_SP}|de{_SP}|la{_SP}"
    rf"|le{_SP}|les{_SP}|aux{_SP}|au{_SP}|et{_SP}|sur{_SP}|sous{_SP}|en{_SP})"
)
_STREET_TYPE = (
    r"(?i:rue|avenue|av\.|boulevard|bd|bld|place|pl\.|all[ée]e|impasse|chemin|route|quai|cours|square|passage"
    r"|chauss[ée]e|faubourg|rond-point|sentier|lotissement|r[ée]sidence|esplanade|promenade|parvis)"
)
_CITY = (
    r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
    rf"(?:{_SP}(?:(?:sur|en|de|du|des|les|lès|la|le){_SP})?(?!(?i:cedex)(?!\w))[A-ZÀ-ÖØ-Þ][\w'’-]*)*"
    rf"(?:{_SP}(?i:cedex)(?:{_SP}\d{{1,2}}(?!\w))?)?"
)
_ADDRESS = re.compile(
    rf"(?<![\w,.])\d{{1,4}}(?:[^\S\n]?(?:bis|ter|quater|[A-D])(?!\w))?,?{_SP}" + _STREET_TYPE + _SP
    + rf"{_PARTICLE}?{_CAP}(?:{_SP}{_PARTICLE}?{_CAP})*"
    + rf"(?:,?\s+(?:\d{{5}}|\d{{2}} \d{{3}}){_SP}{_CITY})?"  # the postcode may start the next line
)

_RPPS = re.compile(
    r"(?<!\w)(?i:rpps)" + _LABEL_GAP + r"(?P<value>\d(?:\s?\d){10})" + _NUM_END
)
_ADELI = re.compile(
    r"(?<!\w)(?i:adeli)" + _LABEL_GAP + r"(?P<value>\d(?:\s?\d){8})" + _NUM_END
)

_IBAN = re.compile(r"(?<![\w])FR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}(?![\w])")


def nir_key_ok(digits: str) -> bool:
    """Whether a 15-character NIR (13 characters + 2-digit key, no spaces) has the right key."""
    body, key = digits[:13].upper(), digits[13:]
    body = body[:5] + body[5:7].replace("2A", "19").replace("2B", "18") + body[7:]
    if not (body.isdecimal() and key.isdecimal() and len(body) == 13 and len(key) == 2):
        return False
    return int(key) == 97 - int(body) % 97


def iban_ok(iban: str) -> bool:
    """Whether an IBAN (spaces allowed) passes the ISO 13616 mod-97 check."""
    compact = re.sub(r"\s", "", iban).upper()
    if len(compact) < 5 or not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _whole(match: re.Match) -> tuple[int, int]:
    """The whole match is the identifier."""
    return match.span()


def _value(match: re.Match) -> tuple[int, int]:
    """Only the ``value`` group is the identifier (the label stays)."""
    return match.span("value")


def _nir_valid(match: re.Match) -> bool:
    """Whether a NIR match has the right key."""
    return nir_key_ok(re.sub(r"[ .-]", "", match.group(0)))


def _iban_valid(match: re.Match) -> bool:
    """Whether an IBAN match has the right check digits."""
    return iban_ok(match.group(0))


def _always(match: re.Match) -> bool:
    """No check beyond the pattern."""
    return True


@dataclass(frozen=True, slots=True)
class _Finder:
    """How to find one kind: a pattern, which part of a match is the identifier, and a check."""

    pattern: re.Pattern
    span: Callable[[re.Match], tuple[int, int]] = _whole
    valid: Callable[[re.Match], bool] = _always


FINDERS: dict[str, _Finder] = {
    "iban": _Finder(_IBAN, valid=_iban_valid),
    "nir": _Finder(_NIR, valid=_nir_valid),
    "email": _Finder(_EMAIL),
    "rpps": _Finder(_RPPS, span=_value),
    "adeli": _Finder(_ADELI, span=_value),
    "patient_id": _Finder(_PATIENT_ID, span=_value),
    "birth_date": _Finder(_BIRTH_DATE, span=_value),
    "phone": _Finder(_PHONE),
    "address": _Finder(_ADDRESS),
}
"""The finder of each kind."""


# --- finding and redacting ----------------------------------------------------------------------

def _candidates(text: str, kind: str) -> Iterable[Span]:
    """Every valid match of one kind in ``text``, overlaps included."""
    finder = FINDERS[kind]
    for match in finder.pattern.finditer(text):
        if finder.valid(match):
            start, end = finder.span(match)
            yield Span(kind, start, end, text[start:end])


def _select(candidates: list[Span], rank: dict[str, int]) -> list[Span]:
    """Non-overlapping candidates: the most specific kind first, then the longest, then the first."""
    candidates.sort(key=lambda s: (rank[s.kind], -(s.end - s.start), s.start))
    chosen: list[Span] = []
    for span in candidates:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return chosen


def _mask(text: str, spans: list[Span]) -> tuple[str, list[tuple[int, int, int]]]:
    """``redact(text, spans)`` and its holes: (start, end) of each placeholder in it, and the span's end."""
    parts: list[str] = []
    holes: list[tuple[int, int, int]] = []
    pos = length = 0
    for span in sorted(spans, key=lambda s: s.start):
        placeholder = PLACEHOLDERS[span.kind]
        parts += [text[pos : span.start], placeholder]
        length += span.start - pos
        holes.append((length, length + len(placeholder), span.end))
        length += len(placeholder)
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts), holes


def _to_original(pos: int, holes: list[tuple[int, int, int]], ends: list[int]) -> int:
    """A position of the masked text (outside placeholders) in the original text."""
    i = bisect_right(ends, pos) - 1
    return pos if i < 0 else pos + holes[i][2] - holes[i][1]


_MAX_ROUNDS = 64
"""Bound on search rounds (each round finds at least one new identifier; one or two are the rule)."""


def find_pii(text: str, types: Iterable[str] | None = None) -> list[Span]:
    """Identifiers of the given kinds (default: all) in ``text``: non-overlapping, in text order.

    Overlaps are settled by kind (``PII_KINDS`` order: most specific first), then by length. The text
    is then searched again with the identifiers found so far replaced by their placeholders, until
    nothing new turns up: an identifier hidden by an overlapping match is still found, and the
    redacted text holds no identifier (redacting it again changes nothing). Unknown kinds are
    ignored; a non-string text has no identifiers.
    """
    if not isinstance(text, str) or not text:
        return []
    wanted = set(PII_KINDS if types is None else types)
    kinds = [kind for kind in PII_KINDS if kind in wanted]
    rank = {kind: i for i, kind in enumerate(PII_KINDS)}
    chosen: list[Span] = []
    for _ in range(_MAX_ROUNDS):
        masked, holes = _mask(text, chosen)
        ends = [end for _, end, _ in holes]
        inside = [(start, end) for start, end, _ in holes]
        fresh = [
            span for kind in kinds for span in _candidates(masked, kind)
            if all(span.end <= a or span.start >= b for a, b in inside)
        ]
        if not fresh:
            break
        for span in _select(fresh, rank):
            start, end = _to_original(span.start, holes, ends), _to_original(span.end, holes, ends)
            chosen.append(Span(span.kind, start, end, text[start:end]))
    return sorted(chosen, key=lambda s: s.start)


def redact(text: str, spans: list[Span]) -> str:
    """``text`` with each span replaced by its kind's placeholder, right to left (offsets stay valid)."""
    pieces: list[str] = []
    end = len(text)
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        pieces += [text[span.end : end], PLACEHOLDERS[span.kind]]
        end = span.start
    pieces.append(text[:end])
    return "".join(reversed(pieces))


def pii_metadata(spans: list[Span], redacted: bool) -> dict:
    """The metadata keys the ``pii`` step writes for these spans."""
    return {
        "pii_types": sorted({s.kind for s in spans}),
        "pii_count": len(spans),
        "pii_redacted": redacted,
    }


# --- the step -----------------------------------------------------------------------------------

class PiiConfig(StepConfig):
    """Config of ``pii``."""

    step: Literal["pii"] = "pii"
    """Step name."""
    types: list[PiiKind] = Field(default_factory=lambda: list(PII_KINDS))
    """Kinds of identifiers to look for (default: all): iban, nir, email, rpps, adeli, patient_id, birth_date,
    phone, address."""
    redact: bool = False
    """Replace every identifier found by a placeholder (``[EMAIL]``, ``[TEL]``, ``[NIR]``, ``[IPP]``...)."""


@register
class PiiTagger(Tagger):
    """Tags personal identifiers (``pii_types``, ``pii_count``, ``pii_redacted``); redacts them if asked.

    Never drops a document. Stats: ``pii.<kind>`` (identifiers of each kind), ``pii.documents``
    (documents with at least one), ``changed`` (documents redacted).
    """

    name = "pii"
    Config = PiiConfig

    def tag(self, doc: Document) -> dict:
        """The metadata for the identifiers in the document's text (the text is not changed)."""
        return pii_metadata(find_pii(doc.text, self.config.types), redacted=False)

    def process(self, doc: Document) -> list[Document]:
        """Tag the document; with ``redact``, replace its identifiers by placeholders."""
        spans = find_pii(doc.text, self.config.types)
        doc.metadata.update(pii_metadata(spans, redacted=self.config.redact))
        self._count(spans)
        if self.config.redact and spans:
            doc.text = redact(doc.text, spans)
            self.stat_update("changed")
        return [doc]

    def _count(self, spans: list[Span]) -> None:
        """Add the spans to the step's stats: documents with identifiers, identifiers per kind."""
        if not spans:
            return
        self.stat_update("pii.documents")
        for kind in sorted({s.kind for s in spans}):
            self.stat_update(f"pii.{kind}", value=sum(1 for s in spans if s.kind == kind))
