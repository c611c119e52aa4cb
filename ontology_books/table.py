"""Load a terminology from a flat code table (CSV/TSV), as ATIH, CNAM and the WHO distribute them.

Options (``TableLoaderConfig``): encoding (UTF-8 by default; ATIH files are usually ``cp1252``),
delimiter (given, or sniffed among ``, ; | tab``), whether the first row is a header, and which
column holds the code, the label, the parent and extra texts — by header name, or by 0-based position
for files without a header. Files ending in ``.gz`` are decompressed.

The hierarchy comes from a ``parent`` column, or from the codes themselves (``hierarchy: prefix``):
the parent of a code is its longest proper prefix that is also a code of the table, dots and spaces
ignored (CIM-10 ``E1100`` -> ``E110`` -> ``E11``). ``levels_by_length`` gives levels from the code
length (ATC: ``[1, 3, 4, 5, 7]``: ``A`` is level 1, ``A10BA02`` level 5).

Codes are stripped of surrounding spaces (ATIH pads them). A row without a code is skipped and
counted; a code given twice keeps its first row (WHO's ATC table repeats a code per DDD) and is
counted in ``TerminologyBuilder.duplicates``. A file that cannot be decoded raises
``TerminologyError`` with the line and the option to change.
"""

from __future__ import annotations

import csv
import gzip
import io
from typing import Literal

from pydantic import Field

from curation.config import StrictModel
from curation.errors import TerminologyError
from ontology_books.terminology import NOTE_KINDS, Concept, TerminologyBuilder

__all__ = ["TableColumns", "TableLoaderConfig", "code_key", "load_table"]

Column = str | int
"""A column: its header name, or its 0-based position."""


class TableColumns(StrictModel):
    """Which column holds what (header names, or 0-based positions when the file has no header)."""

    code: Column = "code"
    """The code."""
    label: Column = "label"
    """The label (French)."""
    parent: Column | None = None
    """The parent's code (empty for roots); needed by ``hierarchy: parent``."""
    synonyms: Column | None = None
    """Synonyms, separated by ``synonym_separator``."""
    notes: dict[str, Column] = Field(default_factory=dict)
    """Extra text columns as notes: note kind (``inclusion``, ``exclusion``, ``definition``, ``scope``,
    ``note``) -> column."""


class TableLoaderConfig(StrictModel):
    """How to read a flat code table."""

    kind: Literal["table"] = "table"
    """Loader kind."""
    encoding: str = "utf-8"
    """Text encoding (``cp1252`` for most ATIH files; ``utf-8-sig`` strips a BOM)."""
    delimiter: str | None = None
    """Field delimiter; None: sniffed among ``,``, ``;``, ``|`` and tab."""
    header: bool = True
    """Whether the first row holds column names."""
    columns: TableColumns = Field(default_factory=TableColumns)
    """Column mapping."""
    hierarchy: Literal["parent", "prefix", "none"] = "prefix"
    """Where parents come from: the ``parent`` column, the code prefixes, or nowhere (a flat list)."""
    levels_by_length: list[int] | None = None
    """Code length of each level (ATC: ``[1, 3, 4, 5, 7]``); None: levels are depths in the tree."""
    synonym_separator: str = "|"
    """Separator between synonyms in the synonyms column."""
    chapters: Literal["cim10"] | None = None
    """Add built-in chapters above the table's roots: ``cim10`` puts each category under its CIM-10 chapter
    (``E11`` under ``IV``, by code range; ``CIM10_CHAPTERS``), since ATIH tables list no chapter."""


def code_key(code: str) -> str:
    """A code with dots and spaces removed (``E11.2`` and ``E112`` are one key)."""
    return code.replace(".", "").replace(" ", "").upper()


def _decode(data: bytes, name: str, cfg: TableLoaderConfig) -> str:
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except OSError as exc:
            raise TerminologyError(f"{name}: not a valid gzip file ({exc})") from exc
    try:
        return data.decode(cfg.encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "try `encoding: cp1252` (usual for ATIH files)" if cfg.encoding.startswith("utf") else \
            "check the file's encoding"
        raise TerminologyError(f"{name}, line {line}: cannot decode byte {data[exc.start]:#04x} as "
                               f"{cfg.encoding} — {hint}") from exc
    except LookupError as exc:
        raise TerminologyError(f"{name}: unknown encoding {cfg.encoding!r} — use e.g. utf-8 or cp1252") from exc


def _delimiter(text: str, name: str, cfg: TableLoaderConfig) -> str:
    if cfg.delimiter:
        return cfg.delimiter
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;|\t").delimiter
    except csv.Error:  # irregular rows: the candidate most frequent on the first line
        first = next((line for line in text.splitlines() if line.strip()), "")
        counts = {d: first.count(d) for d in ",;|\t"}
        best = max(counts, key=counts.get)
        if counts[best]:
            return best
        raise TerminologyError(f"{name}: cannot guess the delimiter — set `delimiter:` (',', ';', '|' or "
                               "'\\t')") from None


def _index(column: Column, header: list[str] | None, name: str, what: str) -> int:
    if isinstance(column, int):
        return column
    if header is None:
        raise TerminologyError(f"{name}: column {what}={column!r} is a name but the table has no header "
                               "(`header: false`) — give a 0-based position")
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    if column in names:
        return names.index(column)
    folded = [n.casefold() for n in names]
    if column.casefold() in folded:  # "Code" for "code"
        return folded.index(column.casefold())
    raise TerminologyError(f"{name}: no column named {column!r} ({what}); the header has: "
                           f"{', '.join(names)} — fix `columns.{what}`")


def load_table(data: bytes, name: str, cfg: TableLoaderConfig, builder: TerminologyBuilder) -> int:
    """Add the concepts of one table file to ``builder``; return the number of rows skipped (no code)."""
    text = _decode(data, name, cfg)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, name, cfg))
    header = next(rows, None) if cfg.header else None
    cols = cfg.columns
    for kind in cols.notes:
        if kind not in NOTE_KINDS:
            raise TerminologyError(f"{name}: note kind {kind!r} is not one of {', '.join(NOTE_KINDS)}")
    if cfg.hierarchy == "parent" and cols.parent is None:
        raise TerminologyError(f"{name}: `hierarchy: parent` needs `columns.parent`")
    idx = {"code": _index(cols.code, header, name, "code"), "label": _index(cols.label, header, name, "label")}
    if cols.parent is not None:
        idx["parent"] = _index(cols.parent, header, name, "parent")
    if cols.synonyms is not None:
        idx["synonyms"] = _index(cols.synonyms, header, name, "synonyms")
    notes = {kind: _index(col, header, name, f"notes.{kind}") for kind, col in cols.notes.items()}
    skipped = 0
    for line, row in enumerate(rows, start=2 if header is not None else 1):
        if not any(cell.strip() for cell in row):
            continue
        needed = max([*idx.values(), *notes.values()])
        if len(row) <= needed:
            raise TerminologyError(f"{name}, line {line}: {len(row)} columns, column {needed} is needed — check "
                                   "`delimiter` and `columns`")
        code = row[idx["code"]].strip()
        if not code:
            skipped += 1
            continue
        parent = row[idx["parent"]].strip() if "parent" in idx and cfg.hierarchy == "parent" else None
        synonyms = []
        if "synonyms" in idx:
            synonyms = [s.strip() for s in row[idx["synonyms"]].split(cfg.synonym_separator) if s.strip()]
        builder.add(Concept(
            code=code,
            label=" ".join(row[idx["label"]].split()),
            parent=parent or None,
            synonyms=synonyms,
            notes={kind: [" ".join(row[i].split())] for kind, i in notes.items() if row[i].strip()},
        ))
    return skipped


def finish_table_hierarchy(builder: TerminologyBuilder, cfg: TableLoaderConfig) -> None:
    """After every file is read: parents from code prefixes and levels from code lengths, as configured."""
    by_key = {code_key(code): code for code in builder.concepts}
    if cfg.hierarchy == "parent":  # "E11.2" in the parent column names the concept coded "E112"
        for concept in builder.concepts.values():
            if concept.parent is not None and concept.parent not in builder.concepts:
                concept.parent = by_key.get(code_key(concept.parent), concept.parent)
    if cfg.hierarchy == "prefix":
        for code, concept in builder.concepts.items():
            key = code_key(code)
            for end in range(len(key) - 1, 0, -1):
                parent = by_key.get(key[:end])
                if parent is not None:
                    concept.parent = parent
                    break
    if cfg.chapters == "cim10":
        add_cim10_chapters(builder)
    if cfg.levels_by_length:
        lengths = cfg.levels_by_length
        for code, concept in builder.concepts.items():
            n = len(code_key(code))
            if n in lengths:
                concept.level = lengths.index(n) + 1


CIM10_CHAPTERS: tuple[tuple[str, str, str, str], ...] = (
    ("I", "A00", "B99", "Certaines maladies infectieuses et parasitaires"),
    ("II", "C00", "D48", "Tumeurs"),
    ("III", "D50", "D89", "Maladies du sang et des organes hématopoïétiques et certains troubles du système immunitaire"),
    ("IV", "E00", "E90", "Maladies endocriniennes, nutritionnelles et métaboliques"),
    ("V", "F00", "F99", "Troubles mentaux et du comportement"),
    ("VI", "G00", "G99", "Maladies du système nerveux"),
    ("VII", "H00", "H59", "Maladies de l'œil et de ses annexes"),
    ("VIII", "H60", "H95", "Maladies de l'oreille et de l'apophyse mastoïde"),
    ("IX", "I00", "I99", "Maladies de l'appareil circulatoire"),
    ("X", "J00", "J99", "Maladies de l'appareil respiratoire"),
    ("XI", "K00", "K93", "Maladies de l'appareil digestif"),
    ("XII", "L00", "L99", "Maladies de la peau et du tissu cellulaire sous-cutané"),
    ("XIII", "M00", "M99", "Maladies du système ostéo-articulaire, des muscles et du tissu conjonctif"),
    ("XIV", "N00", "N99", "Maladies de l'appareil génito-urinaire"),
    ("XV", "O00", "O99", "Grossesse, accouchement et puerpéralité"),
    ("XVI", "P00", "P96", "Certaines affections dont l'origine se situe dans la période périnatale"),
    ("XVII", "Q00", "Q99", "Malformations congénitales et anomalies chromosomiques"),
    ("XVIII", "R00", "R99", "Symptômes, signes et résultats anormaux d'examens cliniques et de laboratoire, "
                            "non classés ailleurs"),
    ("XIX", "S00", "T98", "Lésions traumatiques, empoisonnements et certaines autres conséquences de causes externes"),
    ("XX", "V01", "Y98", "Causes externes de morbidité et de mortalité"),
    ("XXI", "Z00", "Z99", "Facteurs influant sur l'état de santé et motifs de recours aux services de santé"),
    ("XXII", "U00", "U99", "Codes d'utilisation particulière"),
)
"""The chapters of the CIM-10 (ICD-10): number, first and last category, French title."""


def add_cim10_chapters(builder: TerminologyBuilder) -> int:
    """Put every root whose first three characters fall in a chapter's range under that chapter (added as a
    concept); return the number of roots placed. Roots outside every range stay roots."""
    placed = 0
    used = set()
    for code, concept in list(builder.concepts.items()):
        if concept.parent is not None or code in {c[0] for c in CIM10_CHAPTERS}:
            continue
        head = code_key(code)[:3]
        for number, first, last, _ in CIM10_CHAPTERS:
            if len(head) == 3 and first <= head <= last:
                concept.parent = number
                used.add(number)
                placed += 1
                break
    for number, first, last, title in CIM10_CHAPTERS:
        if number in used and number not in builder.concepts:
            builder.add(Concept(code=number, label=title, notes={"scope": [f"Catégories {first} à {last}"]}))
    return placed
