"""Small terminologies built in code for the graph and walk tests."""

from __future__ import annotations

from ontology_books.terminology import Concept, TerminologyBuilder


def tree(kind: str = "cim10", chapters: int = 3, fanout: int = 4, depth: int = 3, relations=()):
    """A complete tree (codes ``C<i>``, ``C<i>.<j>``...) with optional ``(source, type, target)`` relations."""
    builder = TerminologyBuilder(kind, version="test")
    level = []
    for i in range(chapters):
        code = f"C{i}"
        builder.add(Concept(code=code, label=f"Chapitre {i}", notes={"note": [f"note du chapitre {i}"]}))
        level.append(code)
    for _ in range(depth - 1):
        nxt = []
        for parent in level:
            for j in range(fanout):
                code = f"{parent}.{j}"
                builder.add(Concept(code=code, parent=parent, label=f"Concept {code}", synonyms=[f"syn {code}"]))
                nxt.append(code)
        level = nxt
    for source, edge_type, target in relations:
        builder.relate(source, edge_type, target)
    return builder.build("test tree")
