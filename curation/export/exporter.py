"""``biomedfr export``: write what a license policy admits, shard by shard, with the proof of it.

::

    <out>/data/<shard>.parquet       exported documents (the schema of curated shards), one per input shard
    <out>/excluded/<shard>.parquet   documents left out, with their reason (``curation.io.record_schema``)
    <out>/done/<shard>.json          a shard's summary, written last: the shard is complete
    <out>/ATTRIBUTION.md             every source present with its attribution text; CC BY works one by one
    <out>/README.md                  dataset card (Hugging Face YAML front matter)
    <out>/manifest.json              counts per source and license, the policy, sha256 per shard (written last)

Every input document is either in ``data/`` or in ``excluded/`` (kept + excluded == input, checked at
the end). The export resumes per shard: a shard whose ``done/`` summary exists, and whose input and
outputs still have the recorded sha256, is skipped. A folder holds one export: another policy or
another input is a ``ConfigError``. Documents are written once; with a mix input their
``repetitions`` metadata is the mix's (``pack`` materialises the copies).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.document import Document, arrow_schema, from_row, to_row
from curation.errors import AccountingError, ConfigError
from curation.export.gate import STEP, LicenseGate, Verdict
from curation.export.inputs import ExportInput, InputShard, open_input
from curation.export.policy import LoadedPolicy
from curation.io import TMP_SUFFIX, record_schema

__all__ = ["FORMAT", "MISSING_REASON", "REASONS", "ExportLayout", "ExportResult", "export", "file_sha256"]

FORMAT = "biomedfr.export/1"
"""Format id of ``manifest.json`` and of the ``done/`` summaries."""
MISSING_REASON = "mix_document_missing"
"""Reason of a document a mix lists but its run no longer holds."""
REASONS = LicenseGate.reasons | {MISSING_REASON}
"""Every exclusion reason an export may write."""
MISSING_RECORDS = "mix-missing"
"""Name of the records file of ``mix_document_missing`` (under ``excluded/``)."""
BATCH_ROWS = 1000
"""Rows read and written at a time."""


class ExportLayout:
    """Paths of one export folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def excluded(self) -> Path:
        return self.root / "excluded"

    @property
    def done(self) -> Path:
        return self.root / "done"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def attribution(self) -> Path:
        return self.root / "ATTRIBUTION.md"

    @property
    def card(self) -> Path:
        return self.root / "README.md"

    def shard(self, name: str) -> Path:
        return self.data / f"{name}.parquet"

    def excluded_shard(self, name: str) -> Path:
        return self.excluded / f"{name}.parquet"

    def marker(self, name: str) -> Path:
        return self.done / f"{name}.json"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@dataclass
class ExportResult:
    """What ``export`` did."""

    out_dir: Path
    """The export folder."""
    manifest: dict[str, Any]
    """``manifest.json`` as written."""
    written: list[str] = field(default_factory=list)
    """Shards exported by this call."""
    skipped: list[str] = field(default_factory=list)
    """Shards already complete, left as they were."""

    @property
    def kept(self) -> int:
        return self.manifest["documents"]["kept"]

    @property
    def excluded(self) -> dict[str, int]:
        return self.manifest["excluded"]["by_reason"]


# --- files ------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file under a temporary name, then rename it."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class _AtomicParquet:
    """Rows to one Parquet file, written to ``<name>.tmp`` and renamed on ``close``."""

    def __init__(self, path: Path, schema):
        import pyarrow.parquet as pq

        self.path, self.schema = path, schema
        self.tmp = path.with_name(path.name + TMP_SUFFIX)
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self.buffer: list[dict[str, Any]] = []
        self.rows = 0

    def add(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.rows += len(self.buffer)
            self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
        os.replace(self.tmp, self.path)


def _record(doc: Document, reason: str, message: str) -> dict[str, Any]:
    """An exclusion record, shaped like ``curation.io.RecordSink``'s."""
    meta = {k: v for k, v in doc.metadata.items() if not k.startswith("_")}
    return {
        "id": doc.id, "step": STEP, "reason": reason, "message": message, "source": meta.get("source"),
        "source_path": meta.get("source_path"), "locator": meta.get("locator"), "text": doc.text,
        "metadata": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
    }


# --- one shard --------------------------------------------------------------------------------------


def _add(table: dict[str, Any], key: str, documents: int, tokens: int, repeated: int) -> None:
    entry = table.setdefault(key, {"documents": 0, "tokens": 0, "tokens_with_repetitions": 0})
    entry["documents"] += documents
    entry["tokens"] += tokens
    entry["tokens_with_repetitions"] += repeated


def _export_shard(shard: InputShard, gate: LicenseGate, layout: ExportLayout, stamp: dict[str, str]) -> dict[str, Any]:
    """Export one input shard; return its summary (also written to ``done/<name>.json``, last)."""
    import pyarrow.parquet as pq

    kept = _AtomicParquet(layout.shard(shard.name), arrow_schema())
    excluded = _AtomicParquet(layout.excluded_shard(shard.name), record_schema())
    counts: dict[str, dict[str, Any]] = {}
    groups: dict[str, Any] = {}
    by_source: dict[str, Counter] = {}
    inputs = without_tokens = 0
    with open(shard.path, "rb") as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                entry = None
                if shard.wanted is not None:
                    entry = shard.wanted.get(row["id"])
                    if entry is None:
                        continue
                inputs += 1
                doc = from_row(row)
                if entry is not None:
                    doc.metadata["repetitions"] = entry.repetitions
                verdict: Verdict = gate.decide(doc.id, doc.metadata)
                source = str(doc.metadata.get("source"))
                if not verdict.keep:
                    excluded.add(_record(doc, verdict.reason, verdict.message))
                    by_source.setdefault(source, Counter())[verdict.reason] += 1
                    continue
                kept.add(to_row(doc))
                tokens = doc.metadata.get("token_count")
                if tokens is None:
                    without_tokens += 1
                tokens = int(tokens or 0)
                repeated = tokens * int(doc.metadata.get("repetitions") or 1)
                _add(counts.setdefault(source, {}), str(doc.metadata.get("license")), 1, tokens, repeated)
                if entry is not None:
                    _add(groups, entry.group, 1, tokens, repeated)
    kept.close()
    excluded.close()
    by_reason = Counter()
    for reasons in by_source.values():
        by_reason.update(reasons)
    summary = {
        "format": FORMAT,
        **stamp,
        "name": shard.name,
        "input": str(shard.path),
        "input_sha256": file_sha256(shard.path),
        "input_documents": inputs,
        "path": layout.relative(kept.path),
        "rows": kept.rows,
        "sha256": file_sha256(kept.path),
        "bytes": kept.path.stat().st_size,
        "excluded_path": layout.relative(excluded.path),
        "excluded_rows": excluded.rows,
        "excluded_sha256": file_sha256(excluded.path),
        "excluded_by_reason": dict(sorted(by_reason.items())),
        "excluded_by_source": {s: dict(sorted(c.items())) for s, c in sorted(by_source.items())},
        "counts": {s: dict(sorted(v.items())) for s, v in sorted(counts.items())},
        "groups": dict(sorted(groups.items())),
        "documents_without_token_count": without_tokens,
    }
    write_text_atomic(layout.marker(shard.name), json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def _completed(shard: InputShard, layout: ExportLayout, stamp: dict[str, str]) -> dict[str, Any] | None:
    """The shard's summary when it is complete and its files are unchanged, else None (export it again)."""
    marker = layout.marker(shard.name)
    if not marker.is_file():
        return None
    try:
        summary = json.loads(marker.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    data, excluded = layout.shard(shard.name), layout.excluded_shard(shard.name)
    if (
        summary.get("input") != str(shard.path)
        or not data.is_file()
        or not excluded.is_file()
        or any(summary.get(k) != v for k, v in stamp.items())
        or summary.get("sha256") != file_sha256(data)
        or summary.get("excluded_sha256") != file_sha256(excluded)
        or summary.get("input_sha256") != file_sha256(shard.path)
    ):
        return None
    return summary


def _check_folder(layout: ExportLayout, inp: ExportInput, stamp: dict[str, str]) -> None:
    """An export folder holds one export: the same policy, the same input, the same shards."""
    names = {s.name for s in inp.shards}
    for marker in sorted(layout.done.glob("*.json")) if layout.done.is_dir() else []:
        try:
            summary = json.loads(marker.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        if summary.get("policy_sha256") != stamp["policy_sha256"]:
            raise ConfigError(
                f"{layout.root}: this folder holds an export under another policy ({summary.get('policy')!r}, "
                f"sha256 {str(summary.get('policy_sha256'))[:12]}) — use another --out, or delete the folder"
            )
        if summary.get("input_config_hash") != stamp["input_config_hash"] or marker.stem not in names:
            raise ConfigError(
                f"{layout.root}: this folder holds the export of another input ({summary.get('input')}) — "
                "use another --out, or delete the folder"
            )


# --- the export -------------------------------------------------------------------------------------


def _merge(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    per_source: dict[str, Any] = {}
    per_license: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    by_source: dict[str, Counter] = {}
    for summary in summaries:
        for source, licenses in summary["counts"].items():
            entry = per_source.setdefault(
                source, {"documents": 0, "tokens": 0, "tokens_with_repetitions": 0, "licenses": {}}
            )
            for lic, c in licenses.items():
                for key in ("documents", "tokens", "tokens_with_repetitions"):
                    entry[key] += c[key]
                _add(entry["licenses"], lic, c["documents"], c["tokens"], c["tokens_with_repetitions"])
                _add(per_license, lic, c["documents"], c["tokens"], c["tokens_with_repetitions"])
        for group, c in summary["groups"].items():
            _add(groups, group, c["documents"], c["tokens"], c["tokens_with_repetitions"])
        for source, reasons in summary["excluded_by_source"].items():
            by_source.setdefault(source, Counter()).update(reasons)
    for entry in per_source.values():
        entry["licenses"] = dict(sorted(entry["licenses"].items()))
    by_reason = Counter()
    for reasons in by_source.values():
        by_reason.update(reasons)
    return {
        "per_source": dict(sorted(per_source.items())),
        "per_license": dict(sorted(per_license.items())),
        "per_group": dict(sorted(groups.items())),
        "by_reason": dict(sorted(by_reason.items())),
        "by_source": {s: dict(sorted(c.items())) for s, c in sorted(by_source.items())},
    }


def _write_missing(inp: ExportInput, layout: ExportLayout) -> dict[str, Any] | None:
    """Records of the documents a mix lists that its runs no longer hold (``mix_document_missing``)."""
    if not inp.missing:
        return None
    path = layout.excluded_shard(MISSING_RECORDS)
    writer = _AtomicParquet(path, record_schema())
    by_source: dict[str, Counter] = {}
    for run, doc_id, source, entry in inp.missing:
        meta = {"source": source, "repetitions": entry.repetitions, "mix_group": entry.group, "mix_run": run}
        message = f"the mix lists {doc_id!r} but no shard of {run}/curated/ holds it — re-run `biomedfr mix`"
        writer.add(_record(Document(text="", id=doc_id, metadata=meta), MISSING_REASON, message))
        by_source.setdefault(source, Counter())[MISSING_REASON] += 1
    writer.close()
    return {
        "name": MISSING_RECORDS, "input_documents": writer.rows, "rows": 0, "counts": {}, "groups": {},
        "excluded_path": layout.relative(path), "excluded_rows": writer.rows, "excluded_sha256": file_sha256(path),
        "excluded_by_source": {s: dict(c) for s, c in sorted(by_source.items())},
        "excluded_by_reason": {MISSING_REASON: writer.rows}, "documents_without_token_count": 0,
    }


def _input_json(inp: ExportInput) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": inp.kind, "path": str(inp.path), "name": inp.name, "config_hash": inp.config_hash,
        "runs": [{"path": str(r.path), "name": r.name, "config_hash": r.config_hash, "steps": r.steps,
                  "token_counter": r.info.get("token_counter")} for r in inp.runs],
    }
    if inp.mix_info is not None:
        out["mix"] = {k: inp.mix_info.get(k) for k in ("format", "config_hash", "config", "totals") if k in inp.mix_info}
    return out


def export(input_dir: str | Path, loaded: LoadedPolicy, out_dir: str | Path, pretty_name: str | None = None) -> ExportResult:
    """Export a run or a mix under a policy into ``out_dir`` (resuming a previous call on the same folder)."""
    from curation import __version__
    from curation.export.card import attribution_markdown, card_markdown, read_works

    policy = loaded.policy
    inp = open_input(input_dir)
    layout = ExportLayout(out_dir)
    stamp = {"policy": policy.name, "policy_sha256": policy.digest(), "input_config_hash": inp.config_hash}
    _check_folder(layout, inp, stamp)
    for folder in (layout.data, layout.excluded, layout.done):
        folder.mkdir(parents=True, exist_ok=True)
    gate = LicenseGate(policy, inp.sources, resolve=inp.source)
    result = ExportResult(out_dir=layout.root, manifest={})
    completed = [_completed(shard, layout, stamp) for shard in inp.shards]
    if layout.manifest.exists() and any(c is None for c in completed):
        layout.manifest.unlink()  # the folder is an export again only when manifest.json is rewritten
    summaries = []
    for shard, summary in zip(inp.shards, completed, strict=True):
        if summary is None:
            summary = _export_shard(shard, gate, layout, stamp)
            result.written.append(shard.name)
        else:
            result.skipped.append(shard.name)
        summaries.append(summary)
    missing = _write_missing(inp, layout)
    merged = _merge(summaries + ([missing] if missing else []))
    inputs = sum(s["input_documents"] for s in summaries) + (missing["input_documents"] if missing else 0)
    kept = sum(s["rows"] for s in summaries)
    excluded = sum(merged["by_reason"].values())
    if kept + excluded != inputs:
        raise AccountingError(f"{layout.root}: kept {kept} + excluded {excluded} != input {inputs} — delete the folder "
                              "and export again")
    names = set(merged["per_source"]) | set(merged["by_source"])
    sources = {name: info.to_json() for name in sorted(names) if (info := inp.source(name)) is not None}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "biomedfr_version": __version__,
        "input": _input_json(inp),
        "policy": {"name": policy.name, "origin": loaded.origin, "overrides": loaded.overrides,
                   "sha256": stamp["policy_sha256"], "content": policy.model_dump(mode="json")},
        "documents": {"input": inputs, "kept": kept, "excluded": excluded},
        "tokens": {
            "kept": sum(v["tokens"] for v in merged["per_source"].values()),
            "kept_with_repetitions": sum(v["tokens_with_repetitions"] for v in merged["per_source"].values()),
            "documents_without_token_count": sum(s["documents_without_token_count"] for s in summaries),
            "counter": sorted({str(r.info.get("token_counter")) for r in inp.runs if r.info.get("token_counter")}),
        },
        "per_source": merged["per_source"],
        "per_license": merged["per_license"],
        "excluded": {"by_reason": merged["by_reason"], "by_source": merged["by_source"]},
        "sources": sources,
        "shards": [
            {k: s[k] for k in ("name", "path", "rows", "sha256", "bytes", "input", "excluded_path", "excluded_rows",
                               "excluded_sha256")}
            for s in summaries
        ],
        "records": [{k: missing[k] for k in ("excluded_path", "excluded_rows", "excluded_sha256")}] if missing else [],
        "files": {"attribution": layout.relative(layout.attribution), "card": layout.relative(layout.card)},
    }
    if inp.kind == "mix":
        manifest["per_group"] = merged["per_group"]
    works = read_works([layout.shard(s["name"]) for s in summaries])
    write_text_atomic(layout.attribution, attribution_markdown(manifest, works))
    write_text_atomic(layout.card, card_markdown(manifest, pretty_name))
    write_text_atomic(layout.manifest, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    result.manifest = manifest
    return result
