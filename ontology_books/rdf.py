"""Load a terminology published by the ANS in RDF/OWL (CIM-10 FR PMSI, CCAM, ATC) with rdflib.

The ANS shape (Serveur Multi-Terminologies):

- a concept is an ``owl:Class`` with a ``skos:notation`` (its code; without one, the last segment of its
  URI); label ``rdfs:label`` in French (``@fr``, else an untagged one, else any); synonyms
  ``skos:altLabel``; notes ``xkos:inclusionNote``, ``xkos:exclusionNote``, ``skos:definition``,
  ``skos:scopeNote``, ``skos:note``;
- the hierarchy is ``rdfs:subClassOf`` (not ``skos:broader``); ``rdfs:subClassOf`` to a blank node (an OWL
  restriction) is skipped, as are objects that are not concepts of the file (``owl:Thing``);
- CIM-10 relations in ``http://data.esante.gouv.fr/atih-cim10#``: ``hasCausality``, ``hasManifestation``,
  ``exclusion``; CCAM ``owl:disjointWith``; ATC levels in ``dc:type`` (its first integer);
- the release is the ``owl:versionInfo`` of the ``owl:Ontology`` node, when the file has one.

Files: RDF/XML (``.rdf``, ``.owl``, ``.xml``), Turtle (``.ttl``), N-Triples (``.nt``), each optionally
gzipped (``.gz``). RDF/XML goes through defusedxml's expat reader: external entities and DTDs pointing
outside the file are refused, nothing is fetched from the network (Turtle and N-Triples never fetch).
A file that does not parse raises ``TerminologyError`` naming the file and, when the parser knows it,
the line.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, RDF, RDFS, SKOS

from curation.errors import TerminologyError
from ontology_books.terminology import Concept, TerminologyBuilder

__all__ = ["ATIH_CIM10", "FORMATS", "XKOS", "load_rdf", "parse_rdf"]

XKOS = Namespace("http://rdf-vocabulary.ddialliance.org/xkos#")
ATIH_CIM10 = Namespace("http://data.esante.gouv.fr/atih-cim10#")
FORMATS = {".rdf": "xml", ".owl": "xml", ".xml": "xml", ".ttl": "turtle", ".nt": "nt"}
"""rdflib format of each file extension (before an optional ``.gz``)."""

NOTES = {XKOS.inclusionNote: "inclusion", XKOS.exclusionNote: "exclusion", SKOS.definition: "definition",
         SKOS.scopeNote: "scope", SKOS.note: "note"}
RELATIONS = {ATIH_CIM10.hasCausality: "causality", ATIH_CIM10.hasManifestation: "manifestation",
             ATIH_CIM10.exclusion: "exclusion", OWL.disjointWith: "disjoint"}
_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def rdf_format(name: str) -> str:
    """The rdflib format of a file name; ``TerminologyError`` for an unsupported extension."""
    path = PurePosixPath(name.removesuffix(".gz"))
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise TerminologyError(f"{name}: unsupported RDF file extension {path.suffix!r} — use one of "
                               f"{', '.join(sorted(FORMATS))} (optionally .gz), or the table loader for CSV/TSV")
    return fmt


def parse_rdf(data: bytes, name: str, graph: Graph | None = None) -> Graph:
    """Parse one RDF file's bytes into ``graph`` (a new one by default), safely (see the module doc)."""
    graph = Graph() if graph is None else graph
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except OSError as exc:
            raise TerminologyError(f"{name}: not a valid gzip file ({exc}) — decompress it or fix the name") from exc
    fmt = rdf_format(name)
    try:
        if fmt == "xml":
            _parse_xml(data, name, graph)
        else:
            graph.parse(data=data.decode("utf-8"), format=fmt, publicID=f"file:///{name}")
    except TerminologyError:
        raise
    except UnicodeDecodeError as exc:
        raise TerminologyError(f"{name}: not UTF-8 at byte {exc.start} — RDF files must be UTF-8") from exc
    except Exception as exc:  # rdflib raises many types: SAXParseException, BadSyntax, ParserError...
        line = _line_of(exc)
        where = f"{name}, line {line}" if line else name
        message = " ".join(str(exc).split())[:300]
        raise TerminologyError(f"{where}: malformed RDF ({type(exc).__name__}: {message}) — fix the file or "
                               "re-download it from the publisher") from exc
    return graph


def _parse_xml(data: bytes, name: str, graph: Graph) -> None:
    """rdflib's RDF/XML handler on defusedxml's expat reader (no external entity, no network)."""
    from xml.sax import handler
    from xml.sax.xmlreader import InputSource

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser
    from rdflib.plugins.parsers.rdfxml import ErrorHandler, RDFXMLHandler

    source = InputSource(f"file:///{name}")
    source.setByteStream(io.BytesIO(data))
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=False, forbid_external=True)
    parser.setFeature(handler.feature_namespaces, 1)
    content = RDFXMLHandler(graph)
    content.setDocumentLocator(source)
    parser.setContentHandler(content)
    parser.setErrorHandler(ErrorHandler())
    try:
        parser.parse(source)
    except DefusedXmlException as exc:
        raise TerminologyError(f"{name}: refused: the XML declares an external entity or DTD ({exc}) — "
                               "biomedfr never resolves them; remove the declaration") from exc


def _line_of(exc: Exception) -> int | None:
    """The line number an rdflib/sax exception knows, if any."""
    getter = getattr(exc, "getLineNumber", None)
    if callable(getter):
        try:
            return int(getter())
        except Exception:  # noqa: BLE001 - best effort
            return None
    for attr in ("lines", "line"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value + 1 if attr == "lines" else value
    found = _LINE.search(str(exc))
    return int(found.group(1)) if found else None


def _text(graph: Graph, subject, predicate) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _pick_label(literals: Iterable[Literal]) -> str:
    """French label first, then untagged, then any; ties broken by text for determinism."""
    ranked = sorted(literals, key=lambda lit: ({"fr": 0, None: 1}.get(lit.language, 2), str(lit)))
    return " ".join(str(ranked[0]).split()) if ranked else ""


def _french(literals: Iterable[Literal]) -> list[str]:
    """Texts in French or untagged (other languages dropped), whitespace-normalised, in a stable order."""
    return sorted({" ".join(str(lit).split()) for lit in literals if lit.language in (None, "fr") and str(lit).strip()})


def _level(graph: Graph, subject) -> int | None:
    for value in graph.objects(subject, DC.type):
        found = re.search(r"\d+", str(value))
        if found:
            return int(found.group())
    return None


def load_rdf(graph: Graph, builder: TerminologyBuilder, where: str) -> None:
    """Add the concepts and relations of a parsed RDF graph to ``builder``."""
    uris = sorted({s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)})
    code_of: dict[URIRef, str] = {}
    for uri in uris:
        notations = sorted(str(o).strip() for o in graph.objects(uri, SKOS.notation) if str(o).strip())
        code_of[uri] = notations[0] if notations else re.split(r"[/#]", str(uri).rstrip("/#"))[-1]
    for uri in uris:
        parents = sorted(code_of[o] for o in graph.objects(uri, RDFS.subClassOf)
                         if isinstance(o, URIRef) and o in code_of and o != uri)
        builder.add(Concept(
            code=code_of[uri],
            label=_pick_label(_text(graph, uri, RDFS.label) + _text(graph, uri, SKOS.prefLabel)),
            parent=parents[0] if parents else None,
            synonyms=_french(_text(graph, uri, SKOS.altLabel)),
            notes={kind: _french(_text(graph, uri, pred)) for pred, kind in NOTES.items() if _text(graph, uri, pred)},
            level=_level(graph, uri),
        ))
        if len(parents) > 1:
            builder.extra_parents += len(parents) - 1
    for predicate, edge_type in RELATIONS.items():
        for s, o in graph.subject_objects(predicate):
            if isinstance(s, BNode) or isinstance(o, BNode):
                continue  # OWL restrictions and anonymous classes
            builder.relate(code_of.get(s, str(s)), edge_type, code_of.get(o, str(o)))
    if builder.version is None:
        for ontology in sorted(graph.subjects(RDF.type, OWL.Ontology)):
            versions = [str(v) for p in (OWL.versionInfo, DCTERMS.hasVersion) for v in graph.objects(ontology, p)]
            if versions:
                builder.version = min(versions)
                break
