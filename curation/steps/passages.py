"""Building passage documents from an input (a segment or a whole document): one contract for every extractor.

A passage inherits the input's metadata (transient ``_`` keys and the input's own span, pages, token
count and fixes left out), and gets ``root_id`` (the original document), ``parent_id`` (the input),
``passage_index``, ``token_count`` (the run's counter), its ``char_start``/``char_end`` in the input when
known, the pages that span covers (from the input's form feeds), and the transient ``_segment_text``
(the input text, one string shared by all its passages) that the fidelity step compares against.
"""

from __future__ import annotations

from datatrove.data import Document

from curation.document import passage_id
from curation.tokens import TokenCounter

STALE_KEYS = ("char_start", "char_end", "page_start", "page_end", "token_count", "fixes")
"""Keys of the input that describe the input itself, not its passages."""


def page_span(parent: Document, start: int, end: int) -> dict:
    """``page_start``/``page_end`` of the span ``[start, end)`` of a paged parent's text ({} otherwise).

    Pages are counted by the form feeds before each end of the span (trailing whitespace ignored).
    """
    first = parent.metadata.get("page_start")
    if not isinstance(first, int):
        return {}
    text = parent.text
    content_end = start + len(text[start:end].rstrip())
    return {"page_start": first + text.count("\f", 0, start), "page_end": first + text.count("\f", 0, content_end)}


def passage_documents(
    doc: Document,
    pieces: list[tuple[str, tuple[int, int] | None]],
    token_counter: TokenCounter,
    **extra,
) -> list[Document]:
    """One document per ``(text, span in doc.text or None)``, in order, with ``extra`` metadata added."""
    source = doc.text
    base = {k: v for k, v in doc.metadata.items() if not k.startswith("_") and k not in STALE_KEYS}
    root = doc.metadata.get("root_id") or doc.id
    counts = token_counter.count_batch([text for text, _ in pieces])
    outputs = []
    for index, ((text, span), tokens) in enumerate(zip(pieces, counts)):
        meta = dict(base, root_id=root, parent_id=doc.id, passage_index=index, token_count=tokens, **extra,
                    _segment_text=source)
        if span is not None:
            meta["char_start"], meta["char_end"] = span
            meta.update(page_span(doc, *span))
        elif "page_start" in doc.metadata:  # not located: the input's page range
            meta["page_start"], meta["page_end"] = doc.metadata["page_start"], doc.metadata.get("page_end")
        outputs.append(Document(text=text, id=passage_id(doc.id, index), metadata=meta))
    return outputs
