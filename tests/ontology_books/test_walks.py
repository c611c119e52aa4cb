"""Biased random walks: lengths, moves, visited set and fallback, walk types, determinism, sharding."""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import ValidationError

from ontology_books.terminology import Concept, TerminologyBuilder
from ontology_books.walks import (
    DEFAULT_TYPES,
    RELATIONS,
    WalkConfig,
    WalkType,
    applicable_types,
    compile_graph,
    iter_walks,
    start_range,
    walks_from,
)
from tests.ontology_books.graphs import tree

SEMANTIC = [("C0.1.2", "causality", "C1.0.0"), ("C1.0.0", "manifestation", "C0.1.2"),
            ("C0.2.0", "exclusion", "C2.3.1"), ("C0.0.0", "exclusion", "C0.0.1")]


def all_walks(graph, config, stats=None):
    return [w for node in range(len(graph.codes)) for w in walks_from(graph, node, config, stats)]


def test_lengths_are_uniform_between_min_and_max():
    graph = compile_graph(tree(kind="ccam", chapters=4, fanout=5, depth=4))
    config = WalkConfig(per_code=20)
    lengths = Counter(len(w.nodes) for w in all_walks(graph, config))
    assert set(lengths) == set(range(8, 21))  # a tree without dead ends: every walk reaches its drawn length
    n = sum(lengths.values())
    expected = n / 13
    chi2 = sum((lengths[k] - expected) ** 2 / expected for k in range(8, 21))
    assert chi2 < 40, lengths  # 12 degrees of freedom: p < 1e-4 above ~36


def test_each_step_follows_an_edge_of_the_graph_with_its_relation():
    term = tree(relations=SEMANTIC)
    graph = compile_graph(term)
    codes = graph.codes
    for walk in all_walks(graph, WalkConfig(per_code=5)):
        assert len(walk.relations) == len(walk.nodes) - 1
        for a, b, rel in zip(walk.nodes[:-1], walk.nodes[1:], walk.relations, strict=True):
            u, v, name = codes[a], codes[b], RELATIONS[rel]
            if name == "sibling":
                assert term.parent(u) == term.parent(v) is not None and u != v
            elif name.endswith("_of") or name == "excluded_by":
                forward = {"causality_of": "causality", "manifestation_of": "manifestation",
                           "excluded_by": "exclusion"}[name]
                assert v in term.neighbours(u, forward) or u in term.neighbours(v, forward)
                assert u in term.neighbours(v, forward)
            else:
                assert v in term.neighbours(u, name), (u, name, v)


def test_every_walk_type_and_every_relation_is_reached():
    term = tree(relations=SEMANTIC)
    graph = compile_graph(term)
    walks = all_walks(graph, WalkConfig(per_code=20))
    assert {w.walk_type for w in walks} == set(DEFAULT_TYPES["cim10"])
    seen = {RELATIONS[r] for w in walks for r in w.relations}
    assert seen >= {"parent", "child", "sibling", "causality", "causality_of", "manifestation", "manifestation_of",
                    "exclusion", "excluded_by"}


def test_rare_semantic_edges_are_favoured_by_their_weight():
    graph = compile_graph(tree(relations=SEMANTIC))
    start = graph.codes.index("C0.1.2")
    walks = walks_from(graph, start, WalkConfig(per_code=40, types={"etiology": DEFAULT_TYPES["cim10"]["etiology"]}))
    first = Counter(RELATIONS[w.relations[0]] for w in walks)
    # weights causality 8 (1 neighbour), parent 1, sibling 0.5 -> the causal edge is the first step ~84 % of the time
    assert first["causality"] >= 0.6 * len(walks), first


def test_walk_types_start_where_they_apply():
    graph = compile_graph(tree(relations=SEMANTIC))
    node = graph.codes.index
    assert "etiology" in applicable_types(graph, node("C0.1.2"), DEFAULT_TYPES["cim10"])
    assert "etiology" not in applicable_types(graph, node("C0.1.3"), DEFAULT_TYPES["cim10"])
    assert "cross_chapter" in applicable_types(graph, node("C0.2.0"), DEFAULT_TYPES["cim10"])
    assert "cross_chapter" not in applicable_types(graph, node("C0.0.0"), DEFAULT_TYPES["cim10"])  # same chapter
    atc = compile_graph(tree(kind="atc", chapters=2, fanout=3, depth=5))
    level5 = next(i for i, lv in enumerate(atc.level) if lv == 5)
    level4 = next(i for i, lv in enumerate(atc.level) if lv == 4)
    assert "same_group" in applicable_types(atc, level5, DEFAULT_TYPES["atc"])
    assert "same_group" not in applicable_types(atc, level4, DEFAULT_TYPES["atc"])


def test_visited_nodes_are_not_revisited_while_others_remain():
    term = tree(kind="ccam", chapters=3, fanout=6, depth=4)
    graph = compile_graph(term)
    revisits = 0
    for walk in all_walks(graph, WalkConfig(per_code=3)):
        codes = [graph.codes[n] for n in walk.nodes]
        for i in range(len(codes) - 1):
            if codes[i + 1] in codes[: i + 1]:  # a revisit: only once every neighbour of the node was seen
                revisits += 1
                parent = term.parent(codes[i])
                around = set(term.neighbours(codes[i], "child")) | set(term.siblings(codes[i]))
                around |= {parent} if parent else set()
                assert around <= set(codes[: i + 1]), (codes, i)
    assert revisits > 0  # walks of up to 20 nodes exhaust a 6-leaf family: the fallback is exercised


def test_fallback_revisits_when_every_neighbour_is_seen():
    builder = TerminologyBuilder("other", version="t")
    builder.add(Concept(code="R", label="racine"))
    builder.add(Concept(code="A", label="a", parent="R"))
    graph = compile_graph(builder.build())
    walks = walks_from(graph, graph.codes.index("A"), WalkConfig(per_code=3, min_length=8, max_length=8))
    assert walks and all(len(w.nodes) == 8 for w in walks)
    assert [graph.codes[n] for n in walks[0].nodes] == ["A", "R"] * 4  # revisits, never a self-loop


def test_an_isolated_code_has_no_walk_and_is_counted():
    builder = TerminologyBuilder("ccam", version="t")
    builder.add(Concept(code="X", label="isolé"))
    graph = compile_graph(builder.build())
    stats: dict[str, int] = {}
    assert walks_from(graph, 0, WalkConfig(), stats) == [] and stats == {"codes_without_walk_type": 1}


def test_walks_are_distinct_and_duplicates_redrawn():
    builder = TerminologyBuilder("other", version="t")
    builder.add(Concept(code="R", label="racine"))
    for c in "AB":
        builder.add(Concept(code=c, label=c, parent="R"))
    graph = compile_graph(builder.build())
    stats: dict[str, int] = {}
    walks = walks_from(graph, graph.codes.index("A"), WalkConfig(per_code=20, min_length=3, max_length=3), stats)
    assert len({w.nodes for w in walks}) == len(walks) < 20  # a 3-node graph has few distinct walks
    assert stats["duplicates"] > 0


def test_same_seed_same_walks_other_seed_other_walks():
    term = tree(relations=SEMANTIC)
    a = all_walks(compile_graph(term), WalkConfig(seed=7, per_code=4))
    b = all_walks(compile_graph(term), WalkConfig(seed=7, per_code=4))
    c = all_walks(compile_graph(term), WalkConfig(seed=8, per_code=4))
    assert a == b and a != c


@pytest.mark.parametrize("world_size", [2, 3, 7])
def test_sharding_by_code_ranges_gives_the_same_walks(world_size):
    graph = compile_graph(tree(relations=SEMANTIC))
    config = WalkConfig(per_code=3)
    whole = list(iter_walks(graph, config))
    parts = [w for rank in range(world_size) for w in iter_walks(graph, config, rank, world_size)]
    assert parts == whole
    ranges = [start_range(len(graph.codes), r, world_size) for r in range(world_size)]
    assert [i for r in ranges for i in r] == list(range(len(graph.codes)))


def test_walk_config_is_validated():
    with pytest.raises(ValidationError, match="max_length"):
        WalkConfig(min_length=10, max_length=5)
    with pytest.raises(ValidationError, match="weights"):
        WalkType(weights={"parent": 0})
    with pytest.raises(ValidationError):
        WalkType(weights={"cousin": 1})
    custom = WalkConfig(types={"up": WalkType(weights={"parent": 1})})
    assert list(custom.types_for("cim10")) == ["up"]
