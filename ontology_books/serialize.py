"""A walk as the compact text the LLM rewrites: a header line, then one line per node and relation.

    [CIM-10 FR PMSI 2025 | étiologie]
    N08.3 « Glomérulopathie au cours du diabète sucré » ; exclut : …
    -- a pour cause --> E11 « Diabète sucré de type 2 » ; synonymes : … ; inclut : …
    -- appartient à --> E10-E14 « Diabète sucré »

Each node is written with its code and label the first time, with its synonyms and notes
(``NOTE_NAMES``); a node seen again is written with its code and label only. Relations are French
phrases (``RELATION_PHRASES``) that keep their direction (``a pour cause`` / ``est la cause de``).
"""

from __future__ import annotations

from ontology_books.terminology import Terminology
from ontology_books.walks import RELATIONS, CompiledGraph, Walk

__all__ = ["NOTE_NAMES", "RELATION_PHRASES", "serialize", "walk_codes", "walk_relations"]

RELATION_PHRASES: dict[str, str] = {
    "parent": "appartient à",
    "child": "comprend",
    "sibling": "de la même catégorie que",
    "causality": "a pour cause",
    "causality_of": "est la cause de",
    "manifestation": "a pour manifestation",
    "manifestation_of": "est une manifestation de",
    "exclusion": "exclut",
    "excluded_by": "est exclu de",
    "disjoint": "incompatible avec",
}
"""How each relation of a walk step is written."""
NOTE_NAMES: dict[str, str] = {"inclusion": "inclut", "exclusion": "exclut", "definition": "définition",
                              "scope": "champ", "note": "note"}
"""How each note kind is introduced."""


def _card(attrs: dict, full: bool) -> str:
    text = f"{attrs['code']} « {attrs['label']} »"
    if not full:
        return text
    parts = [text]
    if attrs["synonyms"]:
        parts.append("synonymes : " + " | ".join(attrs["synonyms"]))
    for kind, notes in attrs["notes"].items():
        parts.append(f"{NOTE_NAMES[kind]} : " + " | ".join(notes))
    return " ; ".join(parts)


def serialize(walk: Walk, graph: CompiledGraph, terminology: Terminology, type_label: str | None = None) -> str:
    """The compact text of a walk (see the module doc)."""
    nodes = terminology.graph.nodes
    codes = graph.codes
    header = f"[{terminology.title} {terminology.version} | {type_label or walk.walk_type}]"
    lines = [header, _card(nodes[codes[walk.nodes[0]]], True)]
    seen = {walk.nodes[0]}
    for node, relation in zip(walk.nodes[1:], walk.relations, strict=True):
        lines.append(f"-- {RELATION_PHRASES[RELATIONS[relation]]} --> {_card(nodes[codes[node]], node not in seen)}")
        seen.add(node)
    return "\n".join(lines)


def walk_codes(walk: Walk, graph: CompiledGraph) -> list[str]:
    """The codes of a walk, in order (a revisited code appears again)."""
    return [graph.codes[n] for n in walk.nodes]


def walk_relations(walk: Walk) -> list[str]:
    """The relation names of a walk's steps."""
    return [RELATIONS[r] for r in walk.relations]
