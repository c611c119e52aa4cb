"""Hypothesis strategies shared by the tests: every test draws documents the same way."""

from __future__ import annotations

from hypothesis import strategies as st

from curation.document import Document

FRENCH_WORDS = [
    "le", "patient", "présente", "une", "hypertension", "artérielle", "traitée", "par", "inhibiteur",
    "de", "l'enzyme", "conversion", "œdème", "à", "J7", "5", "mg", "étude", "cœur", "rénale", "«", "»",
]

texts = st.lists(st.sampled_from(FRENCH_WORDS), min_size=0, max_size=80).map(" ".join) | st.text(max_size=200)
"""Texts: French-like word salad, or arbitrary unicode (empty included)."""


@st.composite
def documents(draw, source: str = "src", route=None) -> Document:
    """A document with the minimal metadata of the contract and a unique-enough id."""
    text = draw(texts)
    native = draw(st.integers(min_value=0, max_value=10**9))
    r = route or draw(st.sampled_from(["extraction", "direct"]))
    return Document(
        text=text,
        id=f"{source}/{native}",
        metadata={"source": source, "license": "CC-BY-4.0", "route": r, "source_path": f"{native}.txt"},
    )


def unique_documents(min_size: int = 0, max_size: int = 30):
    """Lists of documents with distinct ids."""
    return st.lists(documents(), min_size=min_size, max_size=max_size, unique_by=lambda d: d.id)
