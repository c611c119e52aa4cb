"""Biased random walks over a terminology graph.

A walk starts at a code and takes steps until it has ``length`` nodes, ``length`` drawn uniformly in
``[min_length, max_length]``. Each step draws a *move* by roulette over the walk type's weights among
the moves that have a neighbour at the current node, then a neighbour of that move:

- moves: ``parent``, ``child``, ``sibling`` (another child of the parent: siblings are implicit),
  ``causality``, ``manifestation``, ``exclusion``, ``disjoint`` (semantic edges, followed in both
  directions), and ``cross`` (any semantic edge whose other end is in another chapter);
- a visited set avoids cycles: neighbours already in the walk are not drawn; a move whose neighbours
  are all visited is set aside for this step; when every move's neighbours are visited, the walk may
  revisit (any neighbour but the current node) rather than stop. A walk stops early only at a node
  with no neighbour for any move of its type.

Each step records its relation, with its direction for semantic edges (``RELATIONS``: ``causality`` is
``a hasCausality b`` walked from a to b, ``causality_of`` the same edge walked from b to a).

Walk types (``WalkType``): the weights, the move the start code must have (``start``) and an optional
start level. Defaults per terminology kind (``DEFAULT_TYPES``): CIM-10 etiology, differential
diagnosis, dual coding, syndrome, cross-chapter; CCAM hierarchical, sibling, disjoint acts; ATC
hierarchical, sibling, same level-4 substances. ``per_code`` walks start at each code, spread in turn
over the types that apply to it (from a seeded first type, so that a small ``per_code`` still draws
every type across codes); walks equal to an earlier one from the same code are drawn again
(up to ``attempts_per_walk`` times), so walks are distinct (walks from different codes differ by their
first node).

Determinism: the random generator of a start code is seeded by ``(seed, terminology kind, code)``
only, so a walk depends neither on the task that computes it nor on the other codes.

Speed: walks run on ``CompiledGraph``, plain Python tuples of neighbour ids compiled once from the
networkx graph (a neighbour and its relation packed in one int), which is what the bench measures
(``bench/ontology_walks.py``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from curation.config import StrictModel
from ontology_books.terminology import SEMANTIC_EDGES, Terminology

__all__ = ["DEFAULT_TYPES", "MOVES", "RELATIONS", "CompiledGraph", "Walk", "WalkConfig", "WalkType",
           "compile_graph", "walks_from"]

Move = Literal["parent", "child", "sibling", "causality", "manifestation", "exclusion", "disjoint", "cross"]
MOVES: tuple[str, ...] = Move.__args__
RELATIONS: tuple[str, ...] = ("parent", "child", "sibling", "causality", "causality_of", "manifestation",
                              "manifestation_of", "exclusion", "excluded_by", "disjoint")
"""Relation of a walk step (index = relation id)."""
_REL = {name: i for i, name in enumerate(RELATIONS)}
_INVERSE = {"causality": "causality_of", "manifestation": "manifestation_of", "exclusion": "excluded_by",
            "disjoint": "disjoint"}
_SHIFT = 4  # neighbour id << 4 | relation id
_MASK = (1 << _SHIFT) - 1


class WalkType(StrictModel):
    """One kind of walk: move weights and where it may start."""

    weights: dict[Move, float]
    """Roulette weight of each move (moves left out have weight 0)."""
    start: Move | None = None
    """The start code must have a neighbour by this move (``causality``: codes with a causal edge); None: any."""
    start_level: int | None = None
    """The start code must be at this level (ATC same-group substances: 5); None: any level."""
    label: str = ""
    """French name of the walk type (shown in the serialised walk)."""

    @model_validator(mode="after")
    def _positive(self):
        if not any(w > 0 for w in self.weights.values()) or any(w < 0 for w in self.weights.values()):
            raise ValueError("weights must be >= 0 with at least one > 0")
        return self


def _t(label: str, start: str | None = None, start_level: int | None = None, **weights: float) -> WalkType:
    return WalkType(weights=weights, start=start, start_level=start_level, label=label)


DEFAULT_TYPES: dict[str, dict[str, WalkType]] = {
    "cim10": {
        "etiology": _t("étiologie", "causality", causality=8, parent=1, child=1, sibling=0.5),
        "differential": _t("diagnostic différentiel", "exclusion", exclusion=8, parent=1, sibling=1, child=0.5),
        "dual_coding": _t("double codage étiologie-manifestation", "manifestation", manifestation=6, causality=6,
                          parent=0.5, child=0.5),
        "syndrome": _t("affections d'une même catégorie", "sibling", sibling=8, parent=0.5, child=0.5),
        "cross_chapter": _t("relations entre chapitres", "cross", cross=8, parent=1, child=1, sibling=0.5),
    },
    "ccam": {
        "hierarchical": _t("hiérarchie", None, parent=3, child=3, sibling=1),
        "sibling": _t("actes voisins", "sibling", sibling=8, parent=1, child=0.5),
        "disjoint": _t("actes incompatibles", "disjoint", disjoint=8, parent=1, sibling=1),
    },
    "atc": {
        "hierarchical": _t("hiérarchie", None, parent=3, child=3, sibling=1),
        "sibling": _t("classes voisines", "sibling", sibling=8, parent=1, child=0.5),
        "same_group": _t("substances d'un même groupe", "sibling", 5, sibling=10, parent=0.2),
    },
    "other": {
        "hierarchical": _t("hiérarchie", None, parent=3, child=3, sibling=1),
        "sibling": _t("concepts voisins", "sibling", sibling=8, parent=1, child=0.5),
    },
}
"""The walk types of each terminology kind."""


class WalkConfig(StrictModel):
    """How many walks, how long, which types, which seed."""

    per_code: int = Field(default=20, ge=1)
    """Walks started at each code (the paper: 1.3 M walks for 64 302 codes, about 20 per code)."""
    min_length: int = Field(default=8, ge=2)
    """Fewest nodes of a walk (its length is drawn uniformly in [min_length, max_length])."""
    max_length: int = Field(default=20, ge=2)
    """Most nodes of a walk."""
    seed: int = 0
    """Seed: with the terminology kind and the start code, it decides every draw."""
    types: dict[str, WalkType] | None = None
    """Walk types by name; None: the defaults of the terminology kind (``DEFAULT_TYPES``)."""
    attempts_per_walk: int = Field(default=3, ge=1)
    """Draws allowed per wanted walk before giving up on distinct walks from a code."""

    @model_validator(mode="after")
    def _lengths(self):
        if self.max_length < self.min_length:
            raise ValueError(f"max_length ({self.max_length}) < min_length ({self.min_length})")
        return self

    def types_for(self, kind: str) -> dict[str, WalkType]:
        """The walk types used on a terminology of ``kind``."""
        return self.types if self.types is not None else DEFAULT_TYPES[kind]


@dataclass(frozen=True, slots=True)
class Walk:
    """One walk: its type, the node ids visited and the relation id of each step (``len(nodes) - 1``)."""

    walk_type: str
    nodes: tuple[int, ...]
    relations: tuple[int, ...]


@dataclass
class CompiledGraph:
    """The graph as tuples for fast walks: per move, per node, packed ``neighbour << 4 | relation``."""

    kind: str
    codes: list[str]
    parent: list[int]
    level: list[int]
    chapter: list[int]
    children: list[tuple[int, ...]]
    adjacency: dict[str, list[tuple[int, ...]]]

    def packed(self, move: str) -> list[tuple[int, ...]]:
        """Per node, its packed neighbours by ``move``; for ``sibling``, indexed by the PARENT: its children
        (the current node among them)."""
        cache = self.__dict__.setdefault("_packed", {})
        if move not in cache:
            if move == "parent":
                cache[move] = [(p << _SHIFT | _REL["parent"],) if p >= 0 else () for p in self.parent]
            elif move in ("child", "sibling"):
                rel = _REL[move]
                cache[move] = [tuple(c << _SHIFT | rel for c in kids) for kids in self.children]
            else:
                cache[move] = self.adjacency[move]
        return cache[move]

    def has_move(self, node: int, move: str) -> bool:
        """Whether ``node`` has a neighbour by ``move``."""
        if move == "sibling":
            p = self.parent[node]
            return p >= 0 and len(self.children[p]) > 1
        if move == "parent":
            return self.parent[node] >= 0
        if move == "child":
            return bool(self.children[node])
        return bool(self.adjacency[move][node])


def compile_graph(terminology: Terminology) -> CompiledGraph:
    """Compile a terminology's graph for the walks (node ids follow the sorted codes)."""
    codes = terminology.codes
    index = {code: i for i, code in enumerate(codes)}
    graph = terminology.graph
    n = len(codes)
    parent = [-1] * n
    children: list[list[int]] = [[] for _ in range(n)]
    semantic: dict[str, list[list[int]]] = {t: [[] for _ in range(n)] for t in SEMANTIC_EDGES}
    for u, v, edge_type in graph.edges(data="type"):
        a, b = index[u], index[v]
        if edge_type == "parent":
            parent[a] = b
        elif edge_type == "child":
            children[a].append(b)
        elif edge_type == "disjoint":
            semantic["disjoint"][a].append(b << _SHIFT | _REL["disjoint"])  # stored both ways already
        else:
            semantic[edge_type][a].append(b << _SHIFT | _REL[edge_type])
            semantic[edge_type][b].append(a << _SHIFT | _REL[_INVERSE[edge_type]])
    chapter = [index[graph.nodes[c]["chapter"]] for c in codes]
    cross: list[list[int]] = [[] for _ in range(n)]
    for edge_type in SEMANTIC_EDGES:
        for a, packed in enumerate(semantic[edge_type]):
            cross[a].extend(p for p in packed if chapter[p >> _SHIFT] != chapter[a])
    adjacency = {t: [tuple(sorted(set(lst))) for lst in lists] for t, lists in semantic.items()}
    adjacency["cross"] = [tuple(sorted(set(lst))) for lst in cross]
    return CompiledGraph(
        kind=terminology.kind, codes=codes, parent=parent,
        level=[int(graph.nodes[c]["level"]) for c in codes], chapter=chapter,
        children=[tuple(sorted(c)) for c in children], adjacency=adjacency,
    )


def applicable_types(graph: CompiledGraph, node: int, types: dict[str, WalkType]) -> list[str]:
    """The walk types that may start at ``node`` (its start move and level, and a first step possible), in order."""
    return [name for name, wt in types.items()
            if (wt.start is None or graph.has_move(node, wt.start))
            and (wt.start_level is None or graph.level[node] == wt.start_level)
            and any(w > 0 and graph.has_move(node, m) for m, w in wt.weights.items())]


def walks_from(graph: CompiledGraph, node: int, config: WalkConfig, stats: dict[str, int] | None = None) -> list[Walk]:
    """The distinct walks starting at ``node`` (``per_code`` of them when the graph allows)."""
    types = config.types_for(graph.kind)
    names = applicable_types(graph, node, types)
    if not names:
        if stats is not None:
            stats["codes_without_walk_type"] = stats.get("codes_without_walk_type", 0) + 1
        return []
    rng = random.Random(f"{config.seed}/{graph.kind}/{graph.codes[node]}")
    compiled = {name: [(w, m) for m, w in types[name].weights.items() if w > 0] for name in names}
    seen: set[tuple[int, ...]] = set()
    walks: list[Walk] = []
    attempts = 0
    max_attempts = config.per_code * config.attempts_per_walk
    offset = rng.randrange(len(names))  # with few walks per code, every type still gets its share overall
    while len(walks) < config.per_code and attempts < max_attempts:
        name = names[(offset + len(walks)) % len(names)]
        attempts += 1
        length = rng.randint(config.min_length, config.max_length)
        nodes, relations = _walk(graph, node, length, compiled[name], rng)
        if nodes in seen:
            if stats is not None:
                stats["duplicates"] = stats.get("duplicates", 0) + 1
            continue
        seen.add(nodes)
        walks.append(Walk(name, nodes, relations))
    return walks


def _walk(graph: CompiledGraph, start: int, length: int, moves: list[tuple[float, str]],
          rng: random.Random) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """One walk of at most ``length`` nodes (the hot loop: plain tuples, few calls)."""
    rand = rng.random
    parent = graph.parent
    tables = [(weight, move == "sibling", graph.packed(move)) for weight, move in moves]
    nodes = [start]
    relations: list[int] = []
    visited = {start}
    cur = start
    while len(nodes) < length:
        options = []
        total = 0.0
        for weight, sibling, table in tables:
            if sibling:
                p = parent[cur]
                lst = table[p] if p >= 0 else ()
                if len(lst) < 2:
                    continue
            else:
                lst = table[cur]
                if not lst:
                    continue
            options.append((weight, lst))
            total += weight
        if not options:
            break  # an isolated node for this walk type
        chosen = -1
        pool = options
        pool_total = total
        while pool:
            r = rand() * pool_total
            i = 0
            last = len(pool) - 1
            while i < last and r >= pool[i][0]:
                r -= pool[i][0]
                i += 1
            weight, lst = pool[i]
            for _ in range(3):
                packed = lst[int(rand() * len(lst))]
                if packed >> _SHIFT not in visited:
                    chosen = packed
                    break
            else:
                fresh = [x for x in lst if x >> _SHIFT not in visited]
                if fresh:
                    chosen = fresh[int(rand() * len(fresh))]
            if chosen >= 0:
                break
            pool = pool[:i] + pool[i + 1 :]
            pool_total -= weight
        if chosen < 0:  # every neighbour seen: revisit (anything but the current node) rather than stop
            r = rand() * total
            i = 0
            while i < len(options) - 1 and r >= options[i][0]:
                r -= options[i][0]
                i += 1
            lst = [x for x in options[i][1] if x >> _SHIFT != cur]
            chosen = lst[int(rand() * len(lst))]
        cur = chosen >> _SHIFT
        visited.add(cur)
        nodes.append(cur)
        relations.append(chosen & _MASK)
    return tuple(nodes), tuple(relations)


def start_range(n_codes: int, rank: int, world_size: int) -> range:
    """The code ids task ``rank`` of ``world_size`` starts walks from: a contiguous range of sorted codes."""
    return range(n_codes * rank // world_size, n_codes * (rank + 1) // world_size)


def iter_walks(graph: CompiledGraph, config: WalkConfig, rank: int = 0, world_size: int = 1,
               stats: dict[str, int] | None = None) -> Iterator[tuple[int, Walk]]:
    """``(start node, walk)`` for every start code of task ``rank``'s code range, in code order."""
    for node in start_range(len(graph.codes), rank, world_size):
        for walk in walks_from(graph, node, config, stats):
            yield node, walk
