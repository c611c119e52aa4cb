"""The terminology graph: typed edges, implicit siblings, chapters and levels, checks; the walk text."""

from __future__ import annotations

import pytest

from curation.errors import ConfigError
from ontology_books.serialize import serialize
from ontology_books.terminology import Concept, TerminologyBuilder
from ontology_books.walks import Walk, compile_graph
from tests.ontology_books.graphs import tree


def test_typed_edges_and_node_attributes():
    term = tree(relations=[("C0.1.2", "causality", "C1.0.0"), ("C0.1", "disjoint", "C0.2"),
                           ("C0.0", "exclusion", "Z99")])
    g = term.graph
    assert {t for _, _, t in g.edges(data="type")} == {"parent", "child", "causality", "disjoint"}
    assert term.neighbours("C0.1.2", "parent") == ["C0.1"] and "C0.1.2" in term.neighbours("C0.1", "child")
    assert term.neighbours("C0.1", "disjoint") == ["C0.2"] and term.neighbours("C0.2", "disjoint") == ["C0.1"]
    assert term.neighbours("C1.0.0", "causality") == []  # directed as the source states it
    assert term.dangling == 1  # Z99 is not a concept
    node = term.concept("C0.1.2")
    assert (node["level"], node["chapter"], node["synonyms"]) == (3, "C0", ["syn C0.1.2"])
    assert term.concept("C0")["notes"] == {"note": ["note du chapitre 0"]}
    assert term.edge_counts()["disjoint"] == 1 and term.summary()["roots"] == 3


def test_siblings_are_never_edges():
    term = tree()
    assert "sibling" not in {t for _, _, t in term.graph.edges(data="type")}
    assert term.siblings("C0.1") == ["C0.0", "C0.2", "C0.3"] and term.siblings("C0") == []


def test_tree_errors_name_the_problem():
    builder = TerminologyBuilder("atc")
    builder.add(Concept(code="A10", label="x", parent="A"))
    with pytest.raises(ConfigError, match="parent 'A', which is not a concept"):
        builder.build("atc.csv")
    builder = TerminologyBuilder("atc")
    builder.add(Concept(code="A", label="a", parent="B"))
    builder.add(Concept(code="B", label="b", parent="A"))
    with pytest.raises(ConfigError, match="cycle"):
        builder.build("atc.csv")
    with pytest.raises(ConfigError, match="no concept found"):
        TerminologyBuilder("ccam").build("empty.ttl")
    with pytest.raises(ConfigError, match="unknown"):
        TerminologyBuilder("snomed")


def test_duplicates_merge_synonyms_and_notes_and_are_counted():
    builder = TerminologyBuilder("atc")
    builder.add(Concept(code="A10BA02", label="metformine", notes={"note": ["DDD 2 g"]}))
    builder.add(Concept(code="A10BA02", label="metformine", notes={"note": ["DDD 2 g", "voie orale"]}))
    term = builder.build()
    assert builder.duplicates == 1 and term.concept("A10BA02")["notes"] == {"note": ["DDD 2 g", "voie orale"]}


def test_serialised_walk_has_codes_labels_notes_and_directed_relations():
    term = tree(relations=[("C0.1.2", "causality", "C1.0.0")])
    graph = compile_graph(term)
    i = graph.codes.index
    walk = Walk("etiology", (i("C1.0.0"), i("C0.1.2"), i("C0.1"), i("C0.1.2")), (4, 0, 1))
    text = serialize(walk, graph, term, "étiologie")
    assert text.splitlines() == [
        "[CIM-10 FR PMSI test | étiologie]",
        "C1.0.0 « Concept C1.0.0 » ; synonymes : syn C1.0.0",
        "-- est la cause de --> C0.1.2 « Concept C0.1.2 » ; synonymes : syn C0.1.2",
        "-- appartient à --> C0.1 « Concept C0.1 » ; synonymes : syn C0.1",
        "-- comprend --> C0.1.2 « Concept C0.1.2 »",  # seen before: code and label only
    ]
