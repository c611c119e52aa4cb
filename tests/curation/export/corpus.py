"""Run and mix folders built at test time for the export tests: a mix of sources and licenses.

``build_run`` writes two curated shards and a ``run.json`` whose sources point at real manifests:

=================  ======================  ====================================================  ===========
source             manifest (license)      documents                                             open keeps
=================  ======================  ====================================================  ===========
``articles``       tmp, CC-BY-4.0          4 CC BY passages of 2 articles (authors, title, DOI),  4
                                           1 passage with an unknown license, 1 with none
``cim10-books``    packaged, CC-BY-NC-ND   3 ontology textbooks (``walk_codes``)                   0
``ccam-books``     packaged, etalab-2.0    2 ontology textbooks                                    2
``finewiki-bio``   packaged, CC-BY-SA-4.0  2 verbatim articles                                     2
``e3c``            packaged, per document  2 CC-BY-NC-4.0 cases, 1 CC-BY-ND-4.0 case (verbatim),  0
                                           1 CC-BY-NC-ND-4.0 passage (derived)
``istex``          packaged, no redistrib. 1 passage                                              0
=================  ======================  ====================================================  ===========
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from curation.document import Document, arrow_schema, to_row
from curation.manifest import packaged_manifests_dir

ARTICLES_MANIFEST = {
    "name": "articles",
    "title": "Test articles",
    "description": "Articles written for the export tests.",
    "provenance": "tests/curation/export/corpus.py",
    "license": "CC-BY-4.0",
    "per_document_license": True,
    "redistribution": True,
    "derivatives": True,
    "commercial": True,
    "share_alike": False,
    "attribution": "Test articles, their authors, CC BY 4.0.",
    "route": "extraction",
}
TEXT = "Le patient présente une hypertension artérielle traitée par un inhibiteur de l'enzyme de conversion."

EXPECTED = {
    "open": {"kept": 8, "excluded": {"license_unknown": 2, "nd_derived": 4, "nc_not_admitted": 2,
                                     "nd_not_admitted": 1, "redistribution_not_allowed": 1}},
    "commercial": {"kept": 6, "excluded": {"license_unknown": 2, "nd_derived": 4, "nc_not_admitted": 2,
                                           "nd_not_admitted": 1, "redistribution_not_allowed": 1,
                                           "share_alike_not_admitted": 2}},
    "research": {"kept": 11, "excluded": {"license_unknown": 2, "nd_derived": 4, "redistribution_not_allowed": 1}},
}
"""What each shipped policy does with ``build_run``'s 18 documents."""
CC_BY_WORKS = {"articles/a1.pdf", "articles/a2.pdf", "finewiki-bio/Hypertension", "finewiki-bio/Asthme"}
"""Works under a CC BY-family license that the open policy exports."""


def doc(doc_id: str, source: str, license: str | None, route: str = "direct", tokens: int | None = 10,
        **meta) -> Document:
    """A curated document (``license=None``: no license at all)."""
    metadata = {"source": source, "route": route, "token_count": tokens, **meta}
    if license is not None:
        metadata["license"] = license
    metadata = {k: v for k, v in metadata.items() if v is not None}
    return Document(text=f"{TEXT} ({doc_id})", id=doc_id, metadata=metadata)


def passage(article: str, index: int, license: str | None, source: str = "articles", **meta) -> Document:
    return doc(f"{article}#s0#p{index}", source, license, route="extraction", parent_id=f"{article}#s0",
               root_id=article, passage_index=index, **meta)


def textbook(source: str, index: int, license: str) -> Document:
    return doc(f"{source}/walk-{index}", source, license, walk_codes=["I10", "I11"], walk_type="hierarchical",
               generated_by="test-llm", terminology="cim10" if source == "cim10-books" else "ccam")


def documents() -> list[list[Document]]:
    """The corpus of the module docstring, in two shards."""
    a1 = {"title": "Hypertension et rein", "authors": ["Claire Duval", "Julien Ferrand"], "doi": "10.1/a1"}
    a2 = {"title": "Asthme de l'enfant", "authors": ["Anaïs Lebrun"], "url": "https://example.org/a2"}
    shard0 = [
        passage("articles/a1.pdf", 0, "CC-BY-4.0", **a1),
        passage("articles/a1.pdf", 1, "CC-BY-4.0", **a1),
        passage("articles/a2.pdf", 0, "CC-BY-4.0", **a2),
        passage("articles/a2.pdf", 1, "CC-BY-4.0", **a2),
        passage("articles/a3.pdf", 0, "LicenseRef-unknown-usage-interne", title="Interne"),
        passage("articles/a4.pdf", 0, None, title="Sans licence"),
        textbook("cim10-books", 0, "CC-BY-NC-ND-3.0-IGO"),
        textbook("cim10-books", 1, "CC-BY-NC-ND-3.0-IGO"),
        textbook("ccam-books", 0, "etalab-2.0"),
        doc("finewiki-bio/Hypertension", "finewiki-bio", "CC-BY-SA-4.0", title="Hypertension artérielle",
            url="https://fr.wikipedia.org/wiki/Hypertension_art%C3%A9rielle"),
    ]
    shard1 = [
        textbook("cim10-books", 2, "CC-BY-NC-ND-3.0-IGO"),
        textbook("ccam-books", 1, "etalab-2.0"),
        doc("finewiki-bio/Asthme", "finewiki-bio", "CC-BY-SA-4.0", title="Asthme", tokens=None),
        doc("e3c/case-1", "e3c", "CC-BY-NC-4.0", title="Cas 1", authors=["A. Martin"]),
        doc("e3c/case-2", "e3c", "CC-BY-NC-4.0", title="Cas 2"),
        doc("e3c/case-3", "e3c", "CC-BY-ND-4.0", title="Cas 3", doi="10.1/c3"),
        passage("e3c/case-4", 0, "CC-BY-NC-ND-4.0", source="e3c", title="Cas 4"),
        passage("istex/art-1", 0, "LicenseRef-istex", source="istex", title="Article ISTEX"),
    ]
    return [shard0, shard1]


def write_shard(path: Path, docs: list[Document]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([to_row(d) for d in docs], schema=arrow_schema()), path)


def source_entry(name: str, manifest_path: Path, route: str = "direct") -> dict:
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    return {"name": name, "manifest": manifest.get("name", name), "manifest_path": str(manifest_path),
            "license": manifest.get("license"), "route": route, "root": "/data/" + name}


def write_run(root: Path, shards: list[list[Document]], sources: list[dict], name: str = "test-run",
              config_hash: str = "c0ffee" * 10 + "abcd") -> Path:
    """A run folder: ``run.json`` and ``curated/NNNNN.parquet``."""
    root.mkdir(parents=True, exist_ok=True)
    for index, docs in enumerate(shards):
        write_shard(root / "curated" / f"{index:05d}.parquet", docs)
    info = {"name": name, "config": {"name": name}, "config_hash": config_hash, "token_counter": "words",
            "sources": sources, "steps": ["01_segment", "02_heuristic_extract", "03_token_count"],
            "stages": ["curated"]}
    (root / "run.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return root


def build_run(root: Path) -> Path:
    """The run of the module docstring."""
    articles = root.parent / f"{root.name}-manifests" / "articles.yaml"
    articles.parent.mkdir(parents=True, exist_ok=True)
    articles.write_text(yaml.safe_dump(ARTICLES_MANIFEST, allow_unicode=True), encoding="utf-8")
    packaged = packaged_manifests_dir()
    sources = [source_entry("articles", articles, "extraction")]
    sources += [source_entry(n, packaged / f"{n}.yaml") for n in ("cim10-books", "ccam-books", "finewiki-bio", "e3c")]
    sources.append(source_entry("istex", packaged / "istex.yaml", "extraction"))
    return write_run(root, documents(), sources)


def read_ids(folder: Path) -> list[str]:
    """Ids of every row of every Parquet file of a folder."""
    ids = []
    for path in sorted(folder.glob("*.parquet")):
        ids += pq.read_table(path, columns=["id"]).column("id").to_pylist()
    return ids
