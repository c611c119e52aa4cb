"""TEI XML reader: one document per file (GROBID/HAL, ISTEX or non-namespaced TEI; in a ``teiCorpus``,
the first ``TEI``).

The text is the title, the abstract paragraphs and the body paragraphs (``text/body``: each ``head``
and each ``p`` is one paragraph), joined with a blank line. The bibliography is never read
(``back``, ``listBibl``, ``div[@type="references"|"bibliography"]``); figure captions, table contents,
notes and formulas only when the config asks for them. Inline elements (``ref``, ``hi``, ``term``...)
keep their text; whitespace runs become one space (non-breaking spaces, used by French typography,
are kept).

Security: files are parsed with ``defusedxml`` (expat), which never loads a DTD, an external entity
or anything from the network; a file declaring an entity is refused (``xml_external_entity``).
"""

from __future__ import annotations

import re
from typing import Iterator, Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring

from curation.document import sha256_bytes
from curation.errors import DocumentError
from curation.readers.base import RawDoc, ReaderConfig, RecordFailure, SourceReader

__all__ = ["TeiReaderConfig", "TeiReader", "parse_tei", "tei_text"]

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_SKIPPED_DIV_TYPES = frozenset({"references", "bibliography", "bibliogr", "bibl"})
_CONTAINERS = frozenset({"body", "div", "div1", "div2", "div3", "div4", "div5", "div6", "div7", "list", "group"})
_PARAGRAPHS = frozenset({"p", "ab", "quote", "lg", "item", "head"})
_NEVER = frozenset({"listBibl", "back", "fw", "pb", "cb", "milestone", "graphic"})
_BREAKS = frozenset({"lb"})


class TeiReaderConfig(ReaderConfig):
    """Read TEI XML files (GROBID, HAL, ISTEX), one document per file."""

    format: Literal["tei"] = "tei"
    """Reader kind: TEI XML."""
    include_title: bool = True
    """Start the text with the title (``teiHeader//titleStmt/title``) as its own paragraph."""
    include_abstract: bool = True
    """Put the abstract paragraphs before the body."""
    include_figures: bool = False
    """Keep figure captions and table contents (left out by default: mostly numbers and fragments)."""
    include_notes: bool = False
    """Keep notes (footnotes, margin notes); an inline note becomes a paragraph after its paragraph."""
    include_formulas: bool = False
    """Keep block formulas (``formula`` outside paragraphs); inline formulas are always kept."""


def _local(tag: object) -> str:
    """Element name without its namespace (``{http://www.tei-c.org/ns/1.0}p`` -> ``p``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(el: Element, name: str) -> str:
    """An attribute by local name (namespaced or not), stripped; ``""`` when absent."""
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value.strip()
    return ""


def _norm(text: str) -> str:
    """Collapse whitespace runs to one space and strip."""
    return _SPACES.sub(" ", text).strip()


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _descendants(el: Element, name: str) -> Iterator[Element]:
    return (d for d in el.iter() if _local(d.tag) == name)


def _first(el: Element | None, *path: str) -> Element | None:
    """The first element reached by following child names (``"*"``: any descendant of that name)."""
    nodes = [el] if el is not None else []
    for name in path:
        nxt: list[Element] = []
        for node in nodes:
            nxt.extend(_descendants(node, name[1:]) if name.startswith("*") else _children(node, name))
        nodes = nxt
    return nodes[0] if nodes else None


class _TextBuilder:
    """Walks the TEI tree and collects paragraphs according to the config."""

    def __init__(self, config: TeiReaderConfig):
        self.config = config
        self.paragraphs: list[str] = []

    def _inline(self, el: Element, notes: list[Element]) -> Iterator[str]:
        if el.text:
            yield el.text
        for child in el:
            name = _local(child.tag)
            if name in _BREAKS:
                yield " "
            elif name == "note":
                notes.append(child)
            elif name == "figure" or name == "table":
                if self.config.include_figures:
                    notes.append(child)
            elif name and name not in _NEVER:
                yield from self._inline(child, notes)
            if child.tail:
                yield child.tail

    def paragraph(self, el: Element) -> None:
        """Add one paragraph (inline text), then its inline notes/figures when configured."""
        notes: list[Element] = []
        text = _norm("".join(self._inline(el, notes)))
        if text:
            self.paragraphs.append(text)
        for extra in notes:
            if _local(extra.tag) == "note":
                if self.config.include_notes:
                    self.paragraph(extra)
            else:
                self.figure(extra)

    def figure(self, el: Element) -> None:
        """Figure or table: head, label and caption paragraphs, then one paragraph per table row."""
        for child in el:
            name = _local(child.tag)
            if name in {"head", "label", "figDesc"}:
                self.paragraph(child)
            elif name in {"table", "figure"}:
                self.figure(child)
            elif name == "row":
                cells = [_norm("".join(self._inline(c, []))) for c in child if _local(c.tag) == "cell"]
                row = " | ".join(c for c in cells if c)
                if row:
                    self.paragraphs.append(row)

    def block(self, el: Element) -> None:
        """Dispatch one block-level element."""
        name = _local(el.tag)
        if not name or name in _NEVER:
            return
        if name.startswith("div") and _attr(el, "type").lower() in _SKIPPED_DIV_TYPES:
            return
        if name in _CONTAINERS:
            for child in el:
                self.block(child)
        elif name in _PARAGRAPHS:
            self.paragraph(el)
        elif name in {"figure", "table"}:
            if self.config.include_figures:
                self.figure(el)
        elif name == "note":
            if self.config.include_notes:
                self.paragraph(el)
        elif name == "formula":
            if self.config.include_formulas:
                self.paragraph(el)
        elif any(_local(c.tag) in _PARAGRAPHS | _CONTAINERS for c in el):
            for child in el:
                self.block(child)
        else:
            self.paragraph(el)


def _find_tei(root: Element) -> Element | None:
    """The ``TEI`` element: the root itself, or the first one inside (``teiCorpus``); None if there is none."""
    if _local(root.tag) == "TEI":
        return root
    return next(_descendants(root, "TEI"), None)


def _title(header: Element | None) -> str:
    stmt = _first(header, "*titleStmt")
    titles = _children(stmt, "title") if stmt is not None else []
    titles.sort(key=lambda t: (_attr(t, "type") != "main", _attr(t, "level") not in ("a", "")))
    for title in titles:
        text = _norm("".join(title.itertext()))
        if text:
            return text
    return ""


def _authors(header: Element | None) -> list[str]:
    found: list[str] = []
    if header is None:
        return found
    for author in _descendants(header, "author"):
        for pers in _children(author, "persName"):
            forenames = [_norm("".join(f.itertext())) for f in _children(pers, "forename")]
            surnames = [_norm("".join(s.itertext())) for s in _children(pers, "surname")]
            name = " ".join(p for p in [*forenames, *surnames] if p) or _norm("".join(pers.itertext()))
            if name and name not in found:
                found.append(name)
    return found


def _idno(header: Element | None, *types: str) -> str:
    if header is None:
        return ""
    for idno in _descendants(header, "idno"):
        if _attr(idno, "type").lower() in types:
            value = _norm("".join(idno.itertext()))
            if value:
                return value
    return ""


def _license(header: Element | None) -> str:
    if header is None:
        return ""
    for availability in _descendants(header, "availability"):
        for licence in _descendants(availability, "licence"):
            value = _attr(licence, "target") or _norm("".join(licence.itertext()))
            if value:
                return value
    return ""


def tei_metadata(tei: Element) -> dict:
    """Title, authors, DOI, URL and raw license (key ``license``) found in the ``teiHeader``."""
    header = _first(tei, "teiHeader")
    meta: dict = {}
    url = _idno(header, "url", "uri", "haluri")
    doi = _DOI_PREFIX.sub("", _idno(header, "doi"))
    values = {"title": _title(header), "authors": _authors(header), "doi": doi,
              "url": url if url.startswith(("http://", "https://")) else "", "license": _license(header)}
    for key, value in values.items():
        if value:
            meta[key] = value
    return meta


def tei_text(tei: Element, config: TeiReaderConfig) -> tuple[str, int]:
    """The document text and how many abstract + body paragraphs it holds (title excluded)."""
    header = _first(tei, "teiHeader")
    text_el = _first(tei, "text")
    builder = _TextBuilder(config)
    if config.include_abstract:
        abstracts = list(_descendants(header, "abstract")) if header is not None else []
        if not abstracts and text_el is not None:
            front = _first(text_el, "front")
            abstracts = [d for d in _descendants(front, "div") if _attr(d, "type").lower() == "abstract"] if front is not None else []
        for abstract in abstracts:
            builder.block(abstract)
    body = _first(text_el, "*body") if text_el is not None else None
    if body is not None:
        builder.block(body)
    paragraphs = builder.paragraphs
    count = len(paragraphs)
    title = _title(header) if config.include_title else ""
    if title and (not paragraphs or paragraphs[0] != title):
        paragraphs = [title, *paragraphs]
    return "\n\n".join(paragraphs), count


def _check_encoding(data: bytes) -> None:
    """Raise ``invalid_utf8`` when the file is (declared or defaulted) UTF-8 but its bytes are not."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    match = _XML_DECL.match(data)
    declared = match.group(1).decode("ascii").lower().replace("_", "-") if match else "utf-8"
    if declared not in {"utf-8", "utf8"}:
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            "invalid_utf8",
            f"not valid UTF-8 ({exc.reason} at byte {exc.start}, line {line}) although the XML is "
            "UTF-8 — re-encode the file as UTF-8 or declare its real encoding in <?xml ... encoding=...?>",
        ) from None


def parse_tei(data: bytes) -> Element:
    """Parse XML bytes safely; raise ``DocumentError`` (``empty_file``, ``invalid_utf8``,
    ``xml_external_entity``, ``xml_malformed``). Messages leave the file name to the caller."""
    if not data:
        raise DocumentError("empty_file", "the file is empty (0 bytes)")
    _check_encoding(data)
    try:
        return _safe_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DocumentError(
            "xml_external_entity",
            "declares an XML entity — entities are refused for security; remove the DOCTYPE/entity declarations",
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        message = str(exc).split(":")[0]
        raise DocumentError(
            "xml_malformed", f"malformed XML at line {line}, column {column}: {message} — fix or re-export the file"
        ) from None


class TeiReader(SourceReader):
    """One document per TEI file; native id: the path relative to the source root."""

    format = "tei"
    default_glob = "**/*.xml"

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """Parse one file and yield its document; raise ``DocumentError`` for a bad file."""
        data = self.open_bytes(relpath)
        root = parse_tei(data)
        tei = _find_tei(root)
        if tei is None:
            raise DocumentError(
                "no_text", f"the root element is <{_local(root.tag)}>, not a TEI document — check the glob"
            )
        text, paragraphs = tei_text(tei, self.config)
        if not paragraphs:
            raise DocumentError(
                "no_text",
                "no text in the TEI (no abstract and no paragraph in text/body) — "
                "metadata-only records carry no full text; set include_abstract: true if it was off",
            )
        yield RawDoc(text=text, native_id=relpath, locator="", sha256=sha256_bytes(data), metadata=tei_metadata(tei))
