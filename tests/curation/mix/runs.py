"""Run folders built at test time: ``run.json`` and ``curated/`` shards of synthetic documents."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.document import Document, arrow_schema, to_row

UPSAMPLE_COEFFICIENTS = (4, 9, 13, 21, 34)
"""Table 7's coefficients (4.3x ... 34.1x), as the integer repetitions the upsample step draws."""
CONTENT_TYPES = ("research_findings", "medical_knowledge", "clinical_guidance", "drug_information", "patient_case")


def doc(doc_id: str, source: str, tokens: int | None, **metadata) -> Document:
    """A curated document: ``source``, a license, ``token_count`` (omitted when None) and ``metadata``."""
    meta = {"source": source, "license": "CC-BY-4.0", **metadata}
    if tokens is not None:
        meta["token_count"] = tokens
    return Document(text=f"texte {doc_id}", id=doc_id, metadata=meta)


def write_run(root: Path, docs: list[Document], shards: int = 2, shuffle_seed: int | None = None) -> Path:
    """Write ``docs`` as a finished run: ``run.json`` and ``shards`` Parquet shards (replacing older ones)."""
    curated = root / "curated"
    curated.mkdir(parents=True, exist_ok=True)
    for old in curated.glob("*.parquet"):
        old.unlink()
    (root / "run.json").write_text(json.dumps({"name": root.name, "config_hash": f"hash-{root.name}"}))
    docs = list(docs)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(docs)
    schema = arrow_schema()
    for k in range(shards):
        rows = [to_row(d) for d in docs[k::shards]]
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), curated / f"{k:05d}.parquet")
    return root


def table2_documents(seed: int = 0) -> dict[str, list[Document]]:
    """A few thousand documents of the biomed-fr-v2 sources, by run: articles carry upsampling repetitions."""
    rng = random.Random(seed)
    runs: dict[str, list[Document]] = {"articles": [], "books": [], "emea": [], "e3c": []}
    for source, count in (("hal", 1200), ("istex", 800)):
        for i in range(count):
            runs["articles"].append(doc(f"{source}/{i}#p0", source, rng.randint(50, 600),
                                        repetitions=rng.choice(UPSAMPLE_COEFFICIENTS)))
    for i in range(400):  # finewiki-bio is integrated as is: no repetitions key
        runs["articles"].append(doc(f"finewiki-bio/{i}", "finewiki-bio", rng.randint(100, 1500)))
    for source, count in (("cim10-books", 400), ("ccam-books", 300), ("atc-books", 300)):
        for i in range(count):
            runs["books"].append(doc(f"{source}/walk-{i}", source, rng.randint(300, 2500)))
    for i in range(400):
        runs["emea"].append(doc(f"emea/{i}", "emea", rng.randint(500, 3000)))
    for i in range(300):
        runs["e3c"].append(doc(f"e3c/{i}", "e3c", rng.randint(200, 2500)))
    return runs


def write_table2_runs(root: Path, seed: int = 0) -> list[Path]:
    """The Table 2 sources as four runs under ``root``."""
    return [write_run(root / name, docs) for name, docs in table2_documents(seed).items()]


def typed_documents(seed: int = 0, count: int = 1500) -> list[Document]:
    """Passages with a student content type (some without) and the four student scores (some missing)."""
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        meta = {}
        if rng.random() > 0.05:
            # unequal type sizes: the first types are much larger than the last
            weights = [len(CONTENT_TYPES) - k for k in range(len(CONTENT_TYPES))]
            meta["student.content_type"] = rng.choices(CONTENT_TYPES, weights=weights)[0]
        for signal in ("edu", "cont", "writ", "term"):
            if rng.random() > 0.03:
                meta[f"student.{signal}"] = round(rng.uniform(1, 10), 2)
        meta["repetitions"] = rng.choice((1, 4, 34))  # ignored by the ablations
        docs.append(doc(f"hal/{i:05d}#p0", rng.choice(("hal", "istex")), rng.randint(20, 600), **meta))
    return docs
