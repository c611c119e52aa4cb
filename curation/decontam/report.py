"""Matches per evaluation set: documents matched, items matched, examples — as JSON and as a rich table."""

from __future__ import annotations

from collections.abc import Iterable

from curation.decontam.index import Match

__all__ = ["MatchTally", "match_detail", "matches_table"]


def match_detail(matches: list[Match], limit: int = 3) -> str:
    """The exclusion detail of a contaminated document: the first matches with their n-gram text.

    ``frenchmedmcqa-test:d0f9… "l adrenaline stimule tous ces processus …"; mcq:17 "…" (+4 more)``
    """
    parts = [f'{m.ref} "{m.ngram}"' for m in matches[:limit]]
    more = len(matches) - limit
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


class MatchTally:
    """Collects, per evaluation set, the documents and items matched and a few examples."""

    def __init__(self, set_names: Iterable[str], examples: int = 3):
        self.examples = examples
        self.documents: dict[str, int] = {name: 0 for name in set_names}
        self.items: dict[str, set[str]] = {name: set() for name in self.documents}
        self.samples: dict[str, list[dict]] = {name: [] for name in self.documents}
        self.documents_matched = 0

    def add(self, doc_id: str, matches: list[Match]) -> None:
        """Record the matches of one document (nothing when the list is empty)."""
        if not matches:
            return
        self.documents_matched += 1
        for name in sorted({m.set for m in matches}):
            self.documents[name] = self.documents.get(name, 0) + 1
        for m in matches:
            self.items.setdefault(m.set, set()).add(m.item)
            samples = self.samples.setdefault(m.set, [])
            if len(samples) < self.examples and not any(s["document"] == doc_id for s in samples):
                samples.append({"document": doc_id, "item": m.item, "ngram": m.ngram, "words": m.length})

    def per_set(self, summary: list[dict]) -> dict[str, dict]:
        """``{set: {items, indexed_items, ..., documents_matched, items_matched, matched_item_ids, examples}}``."""
        out = {}
        for s in summary:
            name = s["name"]
            out[name] = {
                **{k: v for k, v in s.items() if k != "name"},
                "documents_matched": self.documents.get(name, 0),
                "items_matched": len(self.items.get(name, ())),
                "matched_item_ids": sorted(self.items.get(name, ())),
                "examples": self.samples.get(name, []),
            }
        return out


def matches_table(report: dict):
    """The rich table of ``report.json``: one row per evaluation set.

    ``items``: records of the set; ``indexed``: items with a sequence of at least ``min_item_words``;
    ``whole``: items with a sequence shorter than n, matched whole; ``docs hit``: documents matching an
    item of the set; ``items hit``: distinct items found in the corpus.
    """
    from rich.table import Table

    docs = report["documents"]
    table = Table(title=f"Decontamination ({report['mode']}, n={report['n']}): {docs['matched']} of {docs['in']} "
                  "documents match an evaluation item")
    table.add_column("eval set", no_wrap=True)
    for header in ("items", "indexed", "whole", "docs hit", "items hit"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("example (doc <- item: words)", overflow="fold", ratio=1)
    for name, s in report["sets"].items():
        example = ""
        if s["examples"]:
            e = s["examples"][0]
            ngram = e["ngram"] if len(e["ngram"]) <= 60 else e["ngram"][:57] + "..."
            item = e["item"] if len(e["item"]) <= 16 else e["item"][:15] + "…"
            example = f"{e['document']} <- {item}: {ngram}"
        table.add_row(name, str(s["records"]), str(s["indexed_items"]), str(s["whole_items"]),
                      str(s["documents_matched"]), str(s["items_matched"]), example)
    return table
