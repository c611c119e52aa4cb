"""A terminology as a typed graph: concepts (nodes) and typed relations (edges), in networkx.

Every loader (RDF in ``ontology_books.rdf``, flat tables in ``ontology_books.table``) fills a
``TerminologyBuilder`` with concepts and relations; ``build()`` checks them and returns a
``Terminology`` whose ``graph`` is a ``networkx.MultiDiGraph`` keyed by code:

- node attributes: ``code``, ``label``, ``synonyms`` (list), ``notes`` (kind -> list of texts, kinds in
  ``NOTE_KINDS``), ``level`` (1 for roots, or the level the source gives), ``chapter`` (code of the root
  ancestor);
- edges with a ``type`` attribute, one of ``EDGE_TYPES``: ``parent`` (child -> parent) and ``child``
  (parent -> child) for the tree; ``causality``, ``manifestation``, ``exclusion`` (CIM-10 relations, in
  the direction the source states them: ``N08.3 causality E11``) and ``disjoint`` (CCAM, stored in both
  directions). Siblings are never edges: they are the other children of a node's parent.

Relations whose end is not a concept of the terminology are not added; they are counted in
``Terminology.dangling`` (a release that references concepts of another terminology).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from curation.errors import ConfigError

__all__ = ["EDGE_TYPES", "KINDS", "NOTE_KINDS", "SEMANTIC_EDGES", "Concept", "Terminology", "TerminologyBuilder"]

EDGE_TYPES: tuple[str, ...] = ("parent", "child", "causality", "manifestation", "exclusion", "disjoint")
"""Typed edges of a terminology graph."""
SEMANTIC_EDGES: tuple[str, ...] = ("causality", "manifestation", "exclusion", "disjoint")
"""The edges that are not the tree."""
NOTE_KINDS: tuple[str, ...] = ("inclusion", "exclusion", "definition", "scope", "note")
"""Kinds of notes a concept may carry (``xkos:inclusionNote``, ``xkos:exclusionNote``, ``skos:definition``,
``skos:scopeNote``, ``skos:note``)."""
KINDS: dict[str, str] = {"cim10": "CIM-10 FR PMSI", "ccam": "CCAM", "atc": "ATC", "other": "terminologie"}
"""Terminology kinds (they pick the default walk types) and their display names."""


@dataclass
class Concept:
    """One concept as a loader found it."""

    code: str
    label: str = ""
    parent: str | None = None
    synonyms: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    level: int | None = None
    """Level the source states (ATC ``dc:type``, code length rule); None: depth in the tree."""


@dataclass
class Terminology:
    """A loaded terminology: its kind, title, version and graph (see the module doc)."""

    kind: str
    title: str
    version: str
    graph: nx.MultiDiGraph
    dangling: int = 0
    """Relations dropped because one end is not a concept of this terminology."""
    files: list[str] = field(default_factory=list)
    """The files it was loaded from (as the source lists them)."""
    load_counts: dict[str, int] = field(default_factory=dict)
    """What the loader set aside: ``duplicates`` (codes given twice), ``extra_parents``, ``skipped_rows``."""

    @property
    def codes(self) -> list[str]:
        """Every code, sorted (the order in which walks are sharded into code ranges)."""
        return sorted(self.graph.nodes)

    def concept(self, code: str) -> dict:
        """The node attributes of ``code``."""
        return self.graph.nodes[code]

    def neighbours(self, code: str, edge_type: str) -> list[str]:
        """Targets of ``code``'s out-edges of one type, sorted."""
        return sorted(v for _, v, t in self.graph.out_edges(code, data="type") if t == edge_type)

    def parent(self, code: str) -> str | None:
        """The parent of ``code`` (None for a root)."""
        parents = self.neighbours(code, "parent")
        return parents[0] if parents else None

    def siblings(self, code: str) -> list[str]:
        """The other children of ``code``'s parent (implicit: never stored as edges)."""
        parent = self.parent(code)
        return [] if parent is None else [c for c in self.neighbours(parent, "child") if c != code]

    def edge_counts(self) -> dict[str, int]:
        """Number of edges of each type (``disjoint`` counted once per pair)."""
        counts = Counter(t for _, _, t in self.graph.edges(data="type"))
        result = {t: counts.get(t, 0) for t in EDGE_TYPES}
        result["disjoint"] //= 2
        return result

    def summary(self) -> dict:
        """Concepts, roots, edges by type, dangling relations: what ``biomedfr books`` prints."""
        roots = sum(1 for c in self.graph.nodes if self.graph.nodes[c]["level"] == 1 and self.parent(c) is None)
        return {"kind": self.kind, "version": self.version, "concepts": self.graph.number_of_nodes(),
                "roots": roots, "edges": self.edge_counts(), "dangling": self.dangling}


class TerminologyBuilder:
    """Collects concepts and relations from a loader, then builds the ``Terminology``."""

    def __init__(self, kind: str, title: str | None = None, version: str | None = None):
        if kind not in KINDS:
            raise ConfigError(f"terminology kind {kind!r} is unknown — use one of {', '.join(KINDS)}")
        self.kind = kind
        self.title = title or KINDS[kind]
        self.version = version
        self.concepts: dict[str, Concept] = {}
        self.relations: list[tuple[str, str, str]] = []
        self.duplicates = 0
        """Concepts given twice (the first one is kept; e.g. WHO's ATC table repeats a code per DDD)."""
        self.extra_parents = 0
        """Parents beyond the first of concepts with several (the first in code order is kept)."""
        self.skipped_rows = 0
        """Table rows without a code."""

    def add(self, concept: Concept) -> None:
        """Add a concept; a second concept with the same code is counted in ``duplicates`` and merged
        (synonyms and notes added, label and parent kept from the first)."""
        found = self.concepts.get(concept.code)
        if found is None:
            self.concepts[concept.code] = concept
            return
        self.duplicates += 1
        for synonym in concept.synonyms:
            if synonym not in found.synonyms and synonym != found.label:
                found.synonyms.append(synonym)
        for kind, texts in concept.notes.items():
            bucket = found.notes.setdefault(kind, [])
            bucket.extend(t for t in texts if t not in bucket)

    def relate(self, source: str, edge_type: str, target: str) -> None:
        """Add a semantic relation ``source -edge_type-> target`` (one of ``SEMANTIC_EDGES``)."""
        if edge_type not in SEMANTIC_EDGES:
            raise ValueError(f"relation type {edge_type!r} is not one of {SEMANTIC_EDGES}")
        self.relations.append((source, edge_type, target))

    def build(self, where: str = "") -> Terminology:
        """Check the tree (parents exist, no cycle) and build the graph."""
        if not self.concepts:
            raise ConfigError(f"{where}: no concept found — check the file and the loader options "
                              "(RDF: owl:Class with skos:notation; table: the code column)")
        graph = nx.MultiDiGraph()
        for code in sorted(self.concepts):
            c = self.concepts[code]
            graph.add_node(code, code=code, label=c.label or code, synonyms=list(c.synonyms),
                           notes={k: list(v) for k, v in c.notes.items() if v}, level=c.level, chapter=None)
        for code in sorted(self.concepts):
            parent = self.concepts[code].parent
            if parent is None or parent == code:
                continue
            if parent not in self.concepts:
                raise ConfigError(f"{where}: concept {code!r} has parent {parent!r}, which is not a concept of the "
                                  "terminology — fix the parent column or add the missing concept")
            graph.add_edge(code, parent, type="parent")
            graph.add_edge(parent, code, type="child")
        _levels_and_chapters(graph, where)
        dangling = 0
        seen: set[tuple[str, str, str]] = set()
        for source, edge_type, target in self.relations:
            if source not in graph or target not in graph or source == target:
                dangling += source != target
                continue
            pairs = [(source, target), (target, source)] if edge_type == "disjoint" else [(source, target)]
            for a, b in pairs:
                if (a, edge_type, b) not in seen:
                    seen.add((a, edge_type, b))
                    graph.add_edge(a, b, type=edge_type)
        return Terminology(kind=self.kind, title=self.title, version=self.version or "unversioned",
                           graph=graph, dangling=dangling)


def _levels_and_chapters(graph: nx.MultiDiGraph, where: str) -> None:
    """Give every node its chapter (root ancestor) and, when the source gave none, its depth as level."""
    tree = nx.DiGraph((u, v) for u, v, t in graph.edges(data="type") if t == "child")
    tree.add_nodes_from(graph.nodes)
    if not nx.is_directed_acyclic_graph(tree):
        cycle = nx.find_cycle(tree)
        raise ConfigError(f"{where}: the concept tree has a cycle ({' -> '.join(u for u, _ in cycle)}) — "
                          "a concept cannot be its own ancestor")
    for root in sorted(n for n in tree.nodes if tree.in_degree(n) == 0):
        for node, depth in nx.single_source_shortest_path_length(tree, root).items():
            attrs = graph.nodes[node]
            attrs["chapter"] = root
            if attrs["level"] is None:
                attrs["level"] = depth + 1
