"""Generate the TEI XML and JSONL parts of the sample corpus, and their planted-problem ledger.

Run from the repository root::

    .venv/bin/python -m curation.sample.build.build_text_sources

It (re)writes, deterministically (same bytes on every run):

- ``curation/sample/corpus/tei/*.xml``: HAL, GROBID, ISTEX and non-namespaced TEI articles, plus one
  malformed file and one declaring an external entity;
- ``curation/sample/corpus/jsonl/*.jsonl``: a health-portal dump, a clinical-case/drug-leaflet dump
  and a file whose second line holds invalid UTF-8;
- ``curation/sample/ledger_text.yaml``: one entry per planted problem (document, problem, step, reason).

The texts live in ``texts_tei_jsonl``. Every output is validated before the script ends: the TEI
files parse with lxml (except the two broken on purpose), every JSONL line but the planted one is
JSON, and each planted problem is checked to be really there (valid NIR key, Jaccard of the
near-duplicate, low alphabetic ratio...). Any failed check raises ``AssertionError``.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

import yaml
from lxml import etree

from curation.sample.build import texts_tei_jsonl as T
from curation.sample.build.ledger import merge as merge_ledger

SAMPLE_DIR = Path(__file__).resolve().parents[1]
CORPUS_DIR = SAMPLE_DIR / "corpus"
TEI_DIR = CORPUS_DIR / "tei"
JSONL_DIR = CORPUS_DIR / "jsonl"
LEDGER_PATH = SAMPLE_DIR / "ledger_text.yaml"

PORTAL_FILE = "portail-sante.jsonl"
CLINICAL_FILE = "cas-cliniques-notices.jsonl"
INVALID_UTF8_FILE = "invalid-utf8.jsonl"
MALFORMED_FILE = "malformed-unclosed.xml"
XXE_FILE = "external-entity.xml"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GROBID_SCHEMA = (
    "http://www.tei-c.org/ns/1.0 "
    "https://raw.githubusercontent.com/kermitt2/grobid/master/grobid-home/schemas/xsd/Grobid.xsd"
)
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
XXE_DOCTYPE = '<!DOCTYPE TEI [\n  <!ENTITY xxe SYSTEM "file:///etc/hostname">\n]>\n'
BAD_BYTES = b"\xff\xfe"

MAX_TOTAL_BYTES = 600 * 1024
PARAGRAPH_WORDS = (50, 210)
TEI_WORDS = (300, 900)
RECORD_WORDS = (100, 500)

ALLOWED_REASONS: dict[str, set[str | None]] = {
    "read": {"xml_malformed", "xml_external_entity", "invalid_utf8", "invalid_json", "empty_file"},
    "license": {"license_normalised", "license_unknown"},
    "heuristic_extract": {"references_removed", "caption_removed", "hyphenation_joined", "ligature_fixed",
                          "mojibake_fixed", "no_passage_extracted"},
    "passage_filter": {"passage_too_short", "passage_too_long", "passage_low_alpha"},
    "window_dedup": {"window_duplicate"},
    "fineweb2_french": {"language_not_french"},
    "gopher_rep": {None},
    "fineweb_quality": {None},
    "gopher_quality": {None},
    "minhash_dedup": {"minhash_duplicate"},
    "pii": {"pii_email", "pii_phone", "pii_nir", "pii_patient_id"},
    "llm_extract": {None},
}
"""The only step/reason pairs a ledger entry may use."""

JSONL_FILES = {
    PORTAL_FILE: T.PORTAL_RECORDS,
    CLINICAL_FILE: T.CLINICAL_RECORDS,
    INVALID_UTF8_FILE: T.INVALID_UTF8_RECORDS,
}
"""Every JSONL file and its records, in output order."""

_INLINE = re.compile(r"\[(\d+)\]|\{\{note:(\d+)\|(.+?)\}\}|\{\{formula\|(.+?)\}\}", re.S)
_WORD = re.compile(r"[\w'’-]+")

# =====================================================================================================
# Small text helpers
# =====================================================================================================


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def strip_markup(text: str) -> str:
    """Paragraph text without the inline markup of ``texts_tei_jsonl`` (notes dropped)."""
    text = re.sub(r"\{\{note:\d+\|.+?\}\}", "", text, flags=re.S)
    return re.sub(r"\{\{formula\|(.+?)\}\}", r"\1", text, flags=re.S)


def mojibake(text: str) -> str:
    """``text`` as it looks when its UTF-8 bytes are decoded as cp1252 (``é`` -> ``Ã©``)."""
    return text.encode("utf-8").decode("cp1252")


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of the lower-cased text (punctuation dropped), as used by MinHash dedup."""
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 1))}


def jaccard(a: set, b: set) -> float:
    """Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a | b else 1.0


def nir_key(digits13: str) -> int:
    """Key of a French NIR: 97 - (13-digit number mod 97)."""
    return 97 - int(digits13) % 97


# =====================================================================================================
# TEI building
# =====================================================================================================


def tag_maker(namespaced: bool):
    """Function giving the qualified name of a TEI element (namespaced or not)."""
    if namespaced:
        return lambda name: f"{{{TEI_NS}}}{name}"
    return lambda name: name


def sub(parent, name: str, text: str | None = None, **attrs):
    """Append a child element (``name`` already qualified) with optional text and attributes."""
    el = etree.SubElement(parent, name, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _append_text(el, last, chunk: str) -> None:
    """Append ``chunk`` after the last inline child of ``el`` (or to its text)."""
    if not chunk:
        return
    if last is None:
        el.text = (el.text or "") + chunk
    else:
        last.tail = (last.tail or "") + chunk


def fill_inline(el, text: str, q, with_refs: bool) -> None:
    """Fill a paragraph element, turning ``[n]``, notes and inline formulas into TEI elements."""
    pos, last = 0, None
    for match in _INLINE.finditer(text):
        cite, note_n, note_text, formula = match.groups()
        if cite is not None and not with_refs:
            continue
        _append_text(el, last, text[pos:match.start()])
        if cite is not None:
            last = sub(el, q("ref"), match.group(0), type="bibr", target=f"#b{int(cite) - 1}")
        elif note_n is not None:
            last = sub(el, q("note"), note_text, place="foot", n=note_n)
        else:
            last = sub(el, q("formula"), formula)
        pos = match.end()
    _append_text(el, last, text[pos:])


def add_person(parent, author: dict, q, style: str):
    """``author/persName`` (+ email and affiliation) in the shape of ``style``."""
    el = sub(parent, q("author"))
    if style == "istex":
        el.set(f"{{{XML_NS}}}id", f"author-{author['index']:04d}")
    pers = sub(el, q("persName"))
    sub(pers, q("forename"), author["forename"], type="first")
    sub(pers, q("surname"), author["surname"])
    if author.get("email") and style in ("grobid", "hal"):
        sub(el, q("email"), author["email"])
    if style == "istex":
        sub(el, q("affiliation"), f"{author['dept']}, {author['institution']}, {author['city']}, France")
        return el
    aff = sub(el, q("affiliation"))
    if style in ("grobid", "hal"):
        aff.set("key", f"aff{author['index']}")
    sub(aff, q("orgName"), author["dept"], type="department")
    sub(aff, q("orgName"), author["institution"], type="institution")
    address = sub(aff, q("address"))
    sub(address, q("settlement"), author["city"])
    sub(address, q("country"), "France", key="FR")
    return el


def add_monogr(parent, art: dict, q, style: str):
    """``monogr`` with journal title and imprint (volume, pages, date)."""
    monogr = sub(parent, q("monogr"))
    if art["journal"]:
        sub(monogr, q("title"), art["journal"], level="j", type="main")
    if art.get("issn"):
        sub(monogr, q("idno"), art["issn"], type="pISSN")
    imprint = sub(monogr, q("imprint"))
    if style == "istex":
        sub(imprint, q("publisher"), art["publisher"])
    if art["volume"]:
        sub(imprint, q("biblScope"), art["volume"], unit="vol" if style == "istex" else "volume")
    if art["pages"]:
        first, last = art["pages"]
        sub(imprint, q("biblScope"), unit="page", **{"from": first, "to": last})
    sub(imprint, q("date"), type="published", when=art["date"])
    return monogr


def add_source_desc(file_desc, art: dict, q, style: str) -> None:
    """``sourceDesc/biblStruct`` with authors, title, journal and DOI."""
    bibl = sub(sub(file_desc, q("sourceDesc")), q("biblStruct"))
    if style == "istex":
        bibl.set("type", "inbook")
    analytic = sub(bibl, q("analytic"))
    if style == "istex":
        title = sub(analytic, q("title"), art["title"], level="a", type="main")
        title.set(f"{{{XML_NS}}}lang", "fr")
    for index, author in enumerate(art["authors"]):
        add_person(analytic, {**author, "index": index}, q, style)
    if style == "istex":
        sub(analytic, q("idno"), art["istex_id"], type="istex")
        sub(analytic, q("idno"), art["doi"], type="DOI")
    else:
        sub(analytic, q("title"), art["title"] or None, level="a", type="main")
    add_monogr(bibl, art, q, style)
    if style != "istex":
        sub(bibl, q("idno"), art["doi"], type="DOI")


def add_publication_stmt(file_desc, art: dict, q, style: str) -> None:
    """``publicationStmt`` with publisher/distributor, ids and ``availability/licence``."""
    stmt = sub(file_desc, q("publicationStmt"))
    if style == "hal":
        sub(stmt, q("distributor"), "CCSD")
        sub(stmt, q("idno"), art["hal_id"], type="halId")
        sub(stmt, q("idno"), f"https://hal.example/{art['hal_id']}", type="halUri")
    elif style == "istex":
        sub(stmt, q("authority"), "ISTEX")
        sub(stmt, q("publisher"), art["publisher"], scheme="https://scientific-publisher.data.istex.fr")
    elif art["publisher"]:
        sub(stmt, q("publisher"), art["publisher"])
    availability = sub(stmt, q("availability"), status="free")
    licence = sub(availability, q("licence"), target=art["licence"])
    if style == "istex":
        sub(licence, q("p"), art["licence_text"])
    elif style == "hal":
        licence.text = "Attribution - CC BY 4.0"
    else:
        licence.text = "Distribué sous licence Creative Commons Attribution 4.0 International (CC BY 4.0)."
    sub(stmt, q("date"), art["date"], type="published", when=art["date"])


def add_profile_desc(header, art: dict, q, style: str) -> None:
    """``profileDesc`` with keywords and the abstract (``abstract/p`` or ``abstract/div/p``)."""
    if not art["abstract"] and not art["keywords"]:
        return
    profile = sub(header, q("profileDesc"))
    if style == "istex":
        if art["abstract"]:
            abstract = sub(profile, q("abstract"))
            abstract.set(f"{{{XML_NS}}}lang", "fr")
            sub(abstract, q("head"), "Résumé")
            for text in art["abstract"]:
                fill_inline(sub(abstract, q("p")), text, q, with_refs=False)
        text_class = sub(profile, q("textClass"))
        text_class.set(f"{{{XML_NS}}}lang", "fr")
        keyword_list = sub(sub(text_class, q("keywords"), scheme="keyword"), q("list"))
        sub(keyword_list, q("head"), "Mots clés")
        for term in art["keywords"]:
            sub(sub(keyword_list, q("item")), q("term"), term)
        sub(sub(profile, q("langUsage")), q("language"), ident="fr")
        return
    if art["keywords"]:
        keywords = sub(sub(profile, q("textClass")), q("keywords"))
        if style == "hal":
            keywords.set("scheme", "author")
        for term in art["keywords"]:
            sub(keywords, q("term"), term)
    if art["abstract"]:
        abstract = sub(profile, q("abstract"))
        if style == "hal":
            abstract.set(f"{{{XML_NS}}}lang", "fr")
        container = sub(abstract, q("div")) if art["abstract_divs"] else abstract
        for text in art["abstract"]:
            fill_inline(sub(container, q("p")), text, q, with_refs=False)


def add_encoding_desc(header, q) -> None:
    """GROBID's ``encodingDesc/appInfo/application`` block (fixed date: deterministic output)."""
    app_info = sub(sub(header, q("encodingDesc")), q("appInfo"))
    app = sub(app_info, q("application"), version="0.7.3", ident="GROBID", when="2023-05-04T09:12+0000")
    sub(app, q("desc"), "GROBID - A machine learning software for extracting information from scholarly "
                        "documents")
    sub(app, q("ref"), target="https://github.com/kermitt2/grobid")


def build_header(root, art: dict, q, style: str) -> None:
    """The whole ``teiHeader`` of one article."""
    header = sub(root, q("teiHeader"))
    if style in ("grobid", "hal"):
        header.set(f"{{{XML_NS}}}lang", "fr")
    file_desc = sub(header, q("fileDesc"))
    title_stmt = sub(file_desc, q("titleStmt"))
    title = sub(title_stmt, q("title"), art["title"] or None, level="a", type="main")
    if style == "istex":
        title.set(f"{{{XML_NS}}}lang", "fr")
    add_publication_stmt(file_desc, art, q, style)
    if style == "istex":
        notes = sub(file_desc, q("notesStmt"))
        sub(notes, q("note"), "research-article", type="content-type", source="research-article")
    add_source_desc(file_desc, art, q, style)
    if style in ("grobid", "hal"):
        add_encoding_desc(header, q)
    add_profile_desc(header, art, q, style)
    if style == "istex":
        change = sub(sub(header, q("revisionDesc")), q("change"), "formatting", when=art["date"], who="#istex")
        change.set(f"{{{XML_NS}}}id", "pub2tei")


def add_figure(parent, block: tuple, q, counters: dict) -> None:
    """A GROBID-like ``figure`` (or ``figure type="table"`` with its ``table``)."""
    kind, data = block[0], block[1]
    is_table = kind == "table"
    number = counters[kind]
    counters[kind] += 1
    fig = sub(parent, q("figure"))
    if is_table:
        fig.set("type", "table")
    fig.set(f"{{{XML_NS}}}id", f"{'tab' if is_table else 'fig'}_{number}")
    sub(fig, q("head"), data["head"])
    sub(fig, q("label"), str(number + 1))
    sub(fig, q("figDesc"), data["desc"])
    if is_table:
        table = sub(fig, q("table"))
        for row in data["rows"]:
            row_el = sub(table, q("row"))
            for cell in row:
                sub(row_el, q("cell"), cell)


def add_section(body, section: dict, q, style: str, with_refs: bool, counters: dict) -> None:
    """One ``div`` with its ``head`` and blocks; GROBID/HAL figures go after it, at body level."""
    div = sub(body, q("div"))
    if style == "istex":
        div.set("type", "section")
    sub(div, q("head"), section["head"])
    floating = []
    for block in section["blocks"]:
        kind = block[0]
        if kind in ("p", "p_planted"):
            fill_inline(sub(div, q("p")), block[1], q, with_refs)
        elif kind == "p_mojibake":
            fill_inline(sub(div, q("p")), mojibake(block[1]), q, with_refs)
        elif kind == "formula":
            formula = sub(div, q("formula"), block[1])
            formula.set(f"{{{XML_NS}}}id", f"formula_{counters['formula']}")
            counters["formula"] += 1
            sub(formula, q("label"), block[2])
        elif kind in ("figure", "table"):
            floating.append(block)
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    for block in floating:
        add_figure(body if style in ("grobid", "hal") else div, block, q, counters)


def add_reference(list_bibl, index: int, ref: dict, q, style: str) -> None:
    """One ``biblStruct`` of the bibliography."""
    bibl = sub(list_bibl, q("biblStruct"))
    bibl.set(f"{{{XML_NS}}}id", f"b{index}")
    if style == "istex":
        bibl.set("type", "journal")
    analytic = sub(bibl, q("analytic"))
    sub(analytic, q("title"), ref["title"], level="a", type="main")
    for initial, surname in ref["authors"]:
        pers = sub(sub(analytic, q("author")), q("persName"))
        sub(pers, q("forename"), initial, type="first")
        sub(pers, q("surname"), surname)
    monogr = sub(bibl, q("monogr"))
    sub(monogr, q("title"), ref["journal"], level="j")
    imprint = sub(monogr, q("imprint"))
    sub(imprint, q("biblScope"), ref["volume"], unit="volume")
    sub(imprint, q("biblScope"), unit="page", **{"from": ref["pages"][0], "to": ref["pages"][1]})
    sub(imprint, q("date"), type="published", when=ref["year"])


def build_text(root, art: dict, q, style: str) -> None:
    """``text/body`` (sections, figures) and ``text/back`` (bibliography)."""
    text = sub(root, q("text"))
    if style in ("grobid", "hal"):
        text.set(f"{{{XML_NS}}}lang", "fr")
    body = sub(text, q("body"))
    counters = {"figure": 0, "table": 0, "formula": 0}
    with_refs = bool(art["references"])
    for section in art["sections"]:
        add_section(body, section, q, style, with_refs, counters)
    if art["references"]:
        back = sub(text, q("back"))
        list_bibl = sub(sub(back, q("div"), type="references"), q("listBibl"))
        for index, ref in enumerate(art["references"]):
            add_reference(list_bibl, index, ref, q, style)


def build_tei(art: dict):
    """The ``TEI`` root element of one article, in the shape of its ``style``."""
    style = art["style"]
    q = tag_maker(style != "plain")
    if style == "plain":
        root = etree.Element("TEI")
    elif style == "istex":
        root = etree.Element(q("TEI"), nsmap={None: TEI_NS, "xlink": XLINK_NS})
    else:
        root = etree.Element(q("TEI"), nsmap={None: TEI_NS, "xsi": XSI_NS, "xlink": XLINK_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", GROBID_SCHEMA)
    build_header(root, art, q, style)
    build_text(root, art, q, style)
    return root


def serialize(root) -> bytes:
    """Pretty-printed UTF-8 bytes with a double-quoted XML declaration."""
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def break_unclosed(xml: bytes) -> bytes:
    """Remove the first ``</p>`` of the body: the paragraph is never closed."""
    start = xml.index(b"<body>")
    end = xml.index(b"</p>", start)
    return xml[:end] + xml[end + len(b"</p>"):]


def add_external_entity(xml: bytes) -> bytes:
    """Declare the external entity ``xxe`` in a DOCTYPE and use it where the marker is."""
    assert xml.startswith(XML_DECLARATION)
    rest = xml[len(XML_DECLARATION):].replace(T.XXE_MARKER.encode(), b"&xxe;")
    return XML_DECLARATION + XXE_DOCTYPE.encode() + rest


def tei_bytes(art: dict) -> bytes:
    """The bytes of one TEI file (broken on purpose for the two bad files)."""
    xml = serialize(build_tei(art))
    if art["file"] == MALFORMED_FILE:
        return break_unclosed(xml)
    if art["file"] == XXE_FILE:
        return add_external_entity(xml)
    return xml


# =====================================================================================================
# JSONL building
# =====================================================================================================


def record_paragraphs(rec: dict) -> list[str]:
    """Every paragraph of a record's text: boilerplate before, content (with inserts), boilerplate after."""
    content: list[str] = []
    inserts = rec.get("insert", {})
    for index, paragraph in enumerate(rec["paragraphs"]):
        if index in inserts:
            content.append(inserts[index])
        content.append(paragraph)
    return [*rec["before"], *content, *rec["after"]]


def record_text(rec: dict) -> str:
    """The record's ``text`` field: paragraphs joined by blank lines, transformed if planted."""
    text = "\n\n".join(record_paragraphs(rec))
    return mojibake(text) if rec["transform"] == "mojibake" else text


def record_object(rec: dict) -> dict:
    """The JSON object of one record, fields in a fixed order; no ``license`` for ``NO_LICENSE``."""
    obj = {"id": rec["id"], "text": record_text(rec), "title": rec["title"]}
    if rec["license"] is not T.NO_LICENSE:
        obj["license"] = rec["license"]
    obj.update(url=rec["url"], authors=list(rec["authors"]), doi=rec["doi"])
    return obj


def jsonl_line(rec: dict) -> bytes:
    """One JSONL line (UTF-8, ``ensure_ascii=False``, trailing newline)."""
    return (json.dumps(record_object(rec), ensure_ascii=False) + "\n").encode("utf-8")


def jsonl_bytes(name: str, records: list[dict]) -> bytes:
    """A whole JSONL file; in ``invalid-utf8.jsonl`` the marker becomes raw invalid bytes."""
    data = b"".join(jsonl_line(rec) for rec in records)
    if name == INVALID_UTF8_FILE:
        assert data.count(T.BAD_BYTES_MARKER.encode()) == 1
        data = data.replace(T.BAD_BYTES_MARKER.encode(), BAD_BYTES)
    return data


# =====================================================================================================
# Ledger
# =====================================================================================================


def ledger_entries() -> list[dict]:
    """One entry per planted problem, TEI files first, then JSONL records, in file order."""
    entries = []
    for art in T.TEI_ARTICLES:
        for item in art["planted"]:
            entries.append(_entry(f"tei/{art['file']}", item))
    for name, records in JSONL_FILES.items():
        for rec in records:
            for item in rec["planted"]:
                entries.append(_entry(f"jsonl/{name}#{rec['id']}", item))
    return entries


def _entry(document: str, item: dict) -> dict:
    return {"document": document, "problem": item["problem"], "step": item["step"], "reason": item["reason"]}


def ledger_yaml(entries: list[dict]) -> str:
    """The ledger file: a comment header and the YAML list."""
    header = (
        "# Planted problems of the TEI and JSONL parts of the sample corpus (paths relative to\n"
        "# curation/sample/corpus; '#<id>' names a JSONL record). Generated by\n"
        "# `python -m curation.sample.build.build_text_sources` — edit texts_tei_jsonl.py, not this file.\n"
    )
    return header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)


# =====================================================================================================
# Writing
# =====================================================================================================


def write_outputs() -> dict[Path, bytes]:
    """Write every output file (removing stale ones in the two folders); return path -> bytes."""
    outputs: dict[Path, bytes] = {}
    for art in T.TEI_ARTICLES:
        outputs[TEI_DIR / art["file"]] = tei_bytes(art)
    for name, records in JSONL_FILES.items():
        outputs[JSONL_DIR / name] = jsonl_bytes(name, records)
    outputs[LEDGER_PATH] = ledger_yaml(ledger_entries()).encode("utf-8")
    for folder, pattern in ((TEI_DIR, "*.xml"), (JSONL_DIR, "*.jsonl")):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in sorted(folder.glob(pattern)):
            if stale not in outputs:
                stale.unlink()
    for path, data in outputs.items():
        path.write_bytes(data)
    return outputs


# =====================================================================================================
# Validation
# =====================================================================================================


def safe_parser() -> etree.XMLParser:
    """The lxml parser the brief asks for: no entity resolution, no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True)


def check_tei_files() -> None:
    """Good TEI files parse and hold paragraphs; the two bad ones are bad in the planned way."""
    for art in T.TEI_ARTICLES:
        path = TEI_DIR / art["file"]
        if art["file"] == MALFORMED_FILE:
            try:
                etree.parse(str(path), safe_parser())
            except etree.XMLSyntaxError:
                continue
            raise AssertionError(f"{path} should be malformed")
        tree = etree.parse(str(path), safe_parser())
        assert etree.QName(tree.getroot()).localname == "TEI", path
        paragraphs = [el for el in tree.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "p"]
        assert paragraphs, f"{path}: no paragraph"
        if art["file"] == XXE_FILE:
            check_external_entity(tree, path)


def check_external_entity(tree, path: Path) -> None:
    """The DOCTYPE declares ``xxe`` as an external entity, left unresolved by the safe parser."""
    entities = {e.name: e.system_url for e in tree.docinfo.internalDTD.iterentities()}
    assert entities.get("xxe") == "file:///etc/hostname", (path, entities)
    refs = [n for n in tree.iter() if isinstance(n, etree._Entity)]
    assert [n.name for n in refs] == ["xxe"], (path, refs)


def check_jsonl_files() -> None:
    """Every JSONL line parses, except the planted invalid-UTF-8 line."""
    for name, records in JSONL_FILES.items():
        lines = (JSONL_DIR / name).read_bytes().split(b"\n")
        assert lines[-1] == b"" and len(lines) == len(records) + 1, name
        for number, (line, rec) in enumerate(zip(lines, records), start=1):
            if name == INVALID_UTF8_FILE and number == 2:
                assert BAD_BYTES in line
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                raise AssertionError("line 2 of invalid-utf8.jsonl should not be UTF-8")
            obj = json.loads(line.decode("utf-8"))
            assert obj["id"] == rec["id"], (name, number)
            expected = {"id", "text", "title", "url", "authors", "doi"} | (
                set() if rec["license"] is T.NO_LICENSE else {"license"})
            assert set(obj) == expected, (name, number, set(obj))


def check_lengths() -> None:
    """Clean paragraphs have 50-210 words; articles 300-900 words; records 100-500 words."""
    for art in T.TEI_ARTICLES:
        clean = list(art["abstract"]) + [
            strip_markup(b[1]) for s in art["sections"] for b in s["blocks"] if b[0] in ("p", "p_mojibake")]
        for paragraph in clean:
            assert PARAGRAPH_WORDS[0] <= word_count(paragraph) <= PARAGRAPH_WORDS[1], (art["file"], paragraph[:60])
        if not any(p["step"] == "read" or p["reason"] == "no_passage_extracted" for p in art["planted"]):
            total = sum(word_count(p) for p in clean)
            assert TEI_WORDS[0] <= total <= TEI_WORDS[1], (art["file"], total)
    for records in JSONL_FILES.values():
        for rec in records:
            if not rec["check"]:
                continue
            for paragraph in rec["paragraphs"]:
                assert PARAGRAPH_WORDS[0] <= word_count(paragraph) <= PARAGRAPH_WORDS[1], (rec["id"], paragraph[:60])
            total = sum(word_count(p) for p in rec["paragraphs"])
            assert RECORD_WORDS[0] <= total <= RECORD_WORDS[1], (rec["id"], total)


def _records_by_id() -> dict[str, dict]:
    return {rec["id"]: rec for records in JSONL_FILES.values() for rec in records}


def check_planted_tei() -> None:
    """The TEI problems are really in the files."""
    read = {art["file"]: (TEI_DIR / art["file"]).read_text("utf-8") for art in T.TEI_ARTICLES
            if art["file"] != MALFORMED_FILE}
    neuro = read["grobid-neuro-sep-irm.xml"]
    assert "\ufb01" in neuro and "\ufb02" in neuro, "ligatures"
    assert "épi-\ndermoïdes" in read["grobid-dermato-carcinomes.xml"], "hyphenation"
    assert "Rev Fr Dermatol Prat 2020" in read["grobid-dermato-carcinomes.xml"], "running header"
    infectio = read["hal-infectio-cystites.xml"]
    assert "mÃ©decin" in infectio and "Ã©tude" in infectio, "TEI mojibake"
    assert "<p>Figure 1 :" in infectio, "caption paragraph"
    nephro = read["hal-nephro-mrc-sujet-age.xml"]
    for element in ("<formula", "<note place=\"foot\"", "<table>", "<listBibl>", "<figDesc>"):
        assert element in nephro, element
    hpv = etree.fromstring(read["hal-vaccination-hpv.xml"].encode(), safe_parser())
    texts = ["".join(p.itertext()) for p in hpv.iter(f"{{{TEI_NS}}}p")]
    assert texts.count(T.VACCINATION["abstract"][0]) == 2, "window duplicate"
    plain = etree.fromstring(read["plain-psychiatrie-post-partum.xml"].encode(), safe_parser())
    assert plain.tag == "TEI" and plain.find("teiHeader") is not None, "non-namespaced TEI"
    biblio = etree.fromstring(read["grobid-annexe-bibliographie.xml"].encode(), safe_parser())
    assert not "".join(biblio.find(f".//{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title").itertext()), "empty title"
    assert biblio.find(f".//{{{TEI_NS}}}abstract") is None, "no abstract"
    malformed = (TEI_DIR / MALFORMED_FILE).read_bytes()
    assert malformed.count(b"<p>") == malformed.count(b"</p>") + 1, "exactly one unclosed <p>"


def check_planted_jsonl() -> None:
    """The JSONL problems are really in the records."""
    recs = _records_by_id()
    text = {rid: record_text(rec) for rid, rec in recs.items()}
    check_pii(text["cc-001"])
    near_a, near_b = shingles(text["ps-004"]), shingles(text["ps-007"])
    assert jaccard(near_a, near_b) >= 0.8, ("near-duplicate Jaccard", jaccard(near_a, near_b))
    words_a, words_b = text["ps-004"].split(), text["ps-007"].split()
    matcher = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False)
    changed = 1 - sum(block.size for block in matcher.get_matching_blocks()) / len(words_a)
    assert 0.03 <= changed <= 0.08, ("near-duplicate change ratio", changed)
    assert text["cc-006"] == text["cc-007"], "exact duplicate"
    assert word_count(text["ps-006"]) < 30, "short record"
    letters = sum(c.isalpha() for c in text["cc-005"])
    assert letters / sum(not c.isspace() for c in text["cc-005"]) < 0.4, "low alpha"
    assert "mÃ©decin" in text["ps-003"] and "Ã©tude" in text["ps-003"], "JSONL mojibake"
    check_language(text["ps-005"])
    check_boilerplate_pages(text)
    check_window_duplicate(recs["ps-002"])
    assert "Figure 1." in text["cc-003"] and "\n\nRéférences\n1." in text["cc-003"], "caption/references"
    licenses = {rid: rec["license"] for rid, rec in recs.items()}
    for raw in ("CC BY 4.0", "cc-by-sa-4.0", "CC-BY-NC 4.0", "Licence Ouverte / Open Licence 2.0",
                "Usage interne CHU uniquement"):
        assert raw in licenses.values(), raw
    assert licenses["ps-004"] is T.NO_LICENSE, "record without license"


def check_pii(text: str) -> None:
    """E-mail, French mobile number, NIR with a valid key and IPP are present."""
    assert re.search(r"\b[\w.]+@example\.com\b", text), "e-mail"
    assert "06 12 34 56 78" in text, "phone"
    match = re.search(r"\b([12]) (\d\d) (\d\d) (\d\d) (\d\d\d) (\d\d\d) (\d\d)\b", text)
    assert match, "NIR"
    digits = "".join(match.groups()[:6])
    assert digits == T.NIR_DIGITS and int(match.group(7)) == nir_key(digits), ("NIR key", match.group(0))
    assert re.search(r"\bIPP \d{10}\b", text), "IPP"


def check_language(text: str) -> None:
    """The English record has far more English than French function words."""
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in {"the", "and", "of", "to", "is", "in", "your", "with", "for", "are"} for w in words)
    french = sum(w in {"le", "la", "les", "de", "des", "et", "est", "une", "un", "du"} for w in words)
    assert english > 2 * french, ("English record", english, french)


def check_boilerplate_pages(text: dict[str, str]) -> None:
    """ps-008 repeats lines; ps-009 has no punctuated line; ps-010 is all full-sentence bullets."""
    lines = text["ps-008"].split("\n")
    duplicated = len(lines) - len(set(lines))
    assert duplicated / len(lines) > 0.3, "gopher_rep: duplicated lines"
    assert "\n\n" not in text["ps-008"], "ps-008 is one passage"
    lines = text["ps-009"].split("\n")
    assert len(lines) > 30 and not any(line.rstrip()[-1] in ".!?;:" for line in lines), "fineweb_quality"
    lines = text["ps-010"].split("\n")
    assert all(line.startswith("• ") and line.endswith(".") and len(line) >= 30 for line in lines)
    assert len(set(lines)) == len(lines) and word_count(text["ps-010"]) / len(lines) > 4, "gopher_quality"


def check_window_duplicate(rec: dict) -> None:
    """A paragraph of ps-002 reappears within the next five passages."""
    paragraphs = record_paragraphs(rec)
    repeated = [i for i, p in enumerate(paragraphs) if p in paragraphs[:i]]
    assert repeated, "window duplicate"
    first = paragraphs.index(paragraphs[repeated[0]])
    assert repeated[0] - first <= 5, "duplicate too far"


def check_ledger(entries: list[dict]) -> None:
    """Only allowed step/reason pairs; every document and record exists; no duplicate entry."""
    seen = set()
    for entry in entries:
        assert set(entry) == {"document", "problem", "step", "reason"}, entry
        assert entry["reason"] in ALLOWED_REASONS.get(entry["step"], set()), entry
        key = (entry["document"], entry["step"], entry["reason"], entry["problem"])
        assert key not in seen, entry
        seen.add(key)
        path, _, record = entry["document"].partition("#")
        assert (CORPUS_DIR / path).is_file(), entry
        if record:
            assert f'"id": "{record}"'.encode() in (CORPUS_DIR / path).read_bytes(), entry
    parsed = yaml.safe_load(LEDGER_PATH.read_text("utf-8"))
    assert parsed == entries, "ledger round trip"


def check_size(outputs: dict[Path, bytes]) -> None:
    """All outputs together stay under 600 KB."""
    total = sum(len(data) for data in outputs.values())
    assert total < MAX_TOTAL_BYTES, total


def check_normalised_unicode() -> None:
    """Source texts are NFC (the ligatures are the only compatibility characters, on purpose)."""
    for art in T.TEI_ARTICLES:
        for section in art["sections"]:
            for block in section["blocks"]:
                if block[0].startswith("p") and "\ufb01" not in block[1] and "\ufb02" not in block[1]:
                    assert unicodedata.normalize("NFC", block[1]) == block[1], block[1][:60]


def validate(outputs: dict[Path, bytes]) -> None:
    """Run every check."""
    check_tei_files()
    check_jsonl_files()
    check_lengths()
    check_normalised_unicode()
    check_planted_tei()
    check_planted_jsonl()
    check_ledger(ledger_entries())
    check_size(outputs)


# =====================================================================================================
# Entry point
# =====================================================================================================


def summary(outputs: dict[Path, bytes]) -> str:
    """A short report of the written files and ledger entries."""
    lines = []
    for path, data in sorted(outputs.items()):
        lines.append(f"  {path.relative_to(SAMPLE_DIR)}  {len(data):>7} bytes")
    entries = ledger_entries()
    total = sum(len(d) for d in outputs.values())
    lines.append(f"{len(outputs)} files, {total} bytes; {len(entries)} ledger entries")
    return "\n".join(lines)


def main() -> int:
    """Write and validate the TEI and JSONL sample sources."""
    outputs = write_outputs()
    validate(outputs)
    merge_ledger()
    print(summary(outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
