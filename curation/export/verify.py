"""``biomedfr export --verify DIR``: check an export folder against its ``manifest.json``.

What is checked (each failure is one line of the returned list):

- ``manifest.json`` exists, is an export manifest, and records a valid policy whose sha256 matches;
- every shard listed exists, has the recorded sha256 and row count, and is the only Parquet file in
  ``data/`` (a modified, missing or stray shard is reported); the same for ``excluded/`` record files;
- every document in the shards is admitted by the recorded policy (``LicenseGate`` again, with the
  sources' terms recorded in the manifest), and the counts per source and license, the token totals
  and kept + excluded == input agree with the manifest;
- ``ATTRIBUTION.md`` has a section with the attribution text of every source present, and lists every
  work under a CC BY-family license;
- the card ``README.md`` has YAML front matter that parses, with ``language: [fr]``, ``configs`` and a
  ``license`` list naming every license present.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curation.export.card import front_matter, hub_license, read_works
from curation.export.exporter import FORMAT, ExportLayout, file_sha256
from curation.export.gate import LicenseGate, SourceInfo
from curation.export.policy import ExportPolicy

__all__ = ["verify_export"]

GATE_COLUMNS = ("id", "source", "license", "route", "parent_id", "root_id", "walk_codes", "generated_by", "token_count")
"""Columns of the exported shards the check reads (never the text)."""
SHOWN = 5
"""Documents named per shard when several break the policy."""


def _check_file(root: Path, rel: str, sha256: str | None, what: str, problems: list[str]) -> Path | None:
    path = root / rel
    if not path.is_file():
        problems.append(f"{rel}: {what} missing")
        return None
    if sha256 is not None and file_sha256(path) != sha256:
        problems.append(f"{rel}: {what} modified (sha256 differs from manifest.json)")
    return path


def _rows(path: Path, columns: tuple[str, ...], rel: str, problems: list[str]) -> list[dict[str, Any]] | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = set(pq.read_schema(path).names)
        return pq.read_table(path, columns=[c for c in columns if c in names]).to_pylist()
    except (pa.ArrowException, OSError, ValueError) as exc:  # a corrupted file
        problems.append(f"{rel}: unreadable Parquet ({type(exc).__name__}: {exc})")
        return None


def _load(layout: ExportLayout, problems: list[str]) -> tuple[dict[str, Any], LicenseGate] | None:
    if not layout.manifest.is_file():
        problems.append(f"{layout.manifest}: missing — not a finished export (run `biomedfr export` again)")
        return None
    try:
        manifest = json.loads(layout.manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(f"manifest.json: not valid JSON ({exc.msg}, line {exc.lineno})")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        problems.append(f"manifest.json: not a biomedfr export manifest (format {FORMAT!r} expected)")
        return None
    recorded = manifest.get("policy") or {}
    try:
        policy = ExportPolicy.model_validate(recorded.get("content") or {})
    except ValidationError as exc:
        problems.append(f"manifest.json: the recorded policy is invalid ({exc.error_count()} errors)")
        return None
    if policy.digest() != recorded.get("sha256"):
        problems.append("manifest.json: the recorded policy does not match its sha256 (policy edited?)")
    sources = {name: SourceInfo.from_json(info) for name, info in (manifest.get("sources") or {}).items()}
    return manifest, LicenseGate(policy, sources)


def _check_shards(layout: ExportLayout, manifest: dict[str, Any], gate: LicenseGate, problems: list[str]) -> dict:
    """Check every data and record file; return the counts found in the data shards."""
    per_source: dict[str, dict[str, Counter]] = {}
    listed, excluded_total, readable = set(), 0, []
    for shard in manifest.get("shards") or []:
        rel = shard["path"]
        listed.add(rel)
        path = _check_file(layout.root, rel, shard.get("sha256"), "shard", problems)
        rows = _rows(path, GATE_COLUMNS, rel, problems) if path else None
        if rows is not None:
            readable.append(path)
            if len(rows) != shard.get("rows"):
                problems.append(f"{rel}: {len(rows)} rows, manifest.json says {shard.get('rows')}")
            refused = []
            for row in rows:
                meta = {k: v for k, v in row.items() if v is not None}
                verdict = gate.decide(row["id"], meta)
                if not verdict.keep:
                    refused.append(f"{row['id']} ({verdict.reason}: {verdict.message})")
                counts = per_source.setdefault(str(row.get("source")), {}).setdefault(str(row.get("license")), Counter())
                counts["documents"] += 1
                counts["tokens"] += int(row.get("token_count") or 0)
            if refused:
                problems.append(f"{rel}: {len(refused)} documents not admitted by the policy "
                                f"{gate.policy.name!r}: " + "; ".join(refused[:SHOWN])
                                + (" ..." if len(refused) > SHOWN else ""))
        excluded_total += _check_records(layout, shard.get("excluded_path"), shard.get("excluded_sha256"),
                                         shard.get("excluded_rows"), problems)
    for record in manifest.get("records") or []:
        excluded_total += _check_records(layout, record.get("excluded_path"), record.get("excluded_sha256"),
                                         record.get("excluded_rows"), problems)
    for stray in sorted(layout.data.glob("*.parquet")) if layout.data.is_dir() else []:
        if layout.relative(stray) not in listed:
            problems.append(f"{layout.relative(stray)}: shard not listed in manifest.json")
    return {"per_source": per_source, "excluded": excluded_total, "readable": readable}


def _check_records(layout: ExportLayout, rel: str | None, sha256: str | None, rows: int | None,
                   problems: list[str]) -> int:
    if not rel:
        return 0
    path = _check_file(layout.root, rel, sha256, "excluded records", problems)
    found = _rows(path, ("id",), rel, problems) if path else None
    if found is not None and len(found) != rows:
        problems.append(f"{rel}: {len(found)} records, manifest.json says {rows}")
    return len(found) if found is not None else int(rows or 0)


def _check_counts(manifest: dict[str, Any], found: dict, problems: list[str]) -> None:
    recorded = {(s, lic): (c["documents"], c["tokens"])
                for s, entry in (manifest.get("per_source") or {}).items() for lic, c in entry["licenses"].items()}
    actual = {(s, lic): (c["documents"], c["tokens"]) for s, lics in found["per_source"].items() for lic, c in lics.items()}
    for key in sorted(set(recorded) | set(actual)):
        if recorded.get(key) != actual.get(key):
            problems.append(f"counts of source {key[0]!r}, license {key[1]}: shards hold (documents, tokens) "
                            f"{actual.get(key, (0, 0))}, manifest.json says {recorded.get(key, (0, 0))}")
    docs = manifest.get("documents") or {}
    kept = sum(d for d, _ in actual.values())
    by_reason = sum((manifest.get("excluded") or {}).get("by_reason", {}).values())
    if docs.get("kept") != kept:
        problems.append(f"manifest.json: documents.kept is {docs.get('kept')}, the shards hold {kept}")
    if docs.get("excluded") != found["excluded"] or by_reason != found["excluded"]:
        problems.append(f"manifest.json: documents.excluded is {docs.get('excluded')} (by reason: {by_reason}), "
                        f"the excluded records hold {found['excluded']}")
    if docs.get("kept", 0) + docs.get("excluded", 0) != docs.get("input"):
        problems.append(f"manifest.json: kept {docs.get('kept')} + excluded {docs.get('excluded')} != input "
                        f"{docs.get('input')}")


def _check_attribution(layout: ExportLayout, manifest: dict[str, Any], found: dict, problems: list[str]) -> None:
    if not layout.attribution.is_file():
        problems.append("ATTRIBUTION.md: missing")
        return
    text = layout.attribution.read_text(encoding="utf-8")
    headings = {line[3:].strip() for line in text.splitlines() if line.startswith("## ")}
    flat = " ".join(text.split())
    sources = manifest.get("sources") or {}
    for name in sorted(found["per_source"]):
        if name not in headings:
            problems.append(f"ATTRIBUTION.md: source {name!r} is in the shards but has no section")
        attribution = (sources.get(name) or {}).get("attribution")
        if not attribution:
            problems.append(f"manifest.json: no attribution text recorded for source {name!r}")
        elif " ".join(attribution.split()) not in flat:
            problems.append(f"ATTRIBUTION.md: the attribution text of source {name!r} is missing")
    works = read_works(found["readable"])
    missing = [f"{source}: {key}" for source, by_key in sorted(works.items()) for key in sorted(by_key)
               if f"(`{key}`)" not in text]
    if missing:
        problems.append(f"ATTRIBUTION.md: {len(missing)} CC BY works are not listed: " + "; ".join(missing[:SHOWN])
                        + (" ..." if len(missing) > SHOWN else ""))


def _check_card(layout: ExportLayout, found: dict, problems: list[str]) -> None:
    import yaml

    if not layout.card.is_file():
        problems.append("README.md: missing (the dataset card)")
        return
    try:
        meta = front_matter(layout.card.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"README.md: the front matter is not valid YAML ({exc})")
        return
    if meta is None:
        problems.append("README.md: no YAML front matter (--- ... --- at the top)")
        return
    licenses = meta.get("license")
    licenses = [licenses] if isinstance(licenses, str) else list(licenses or [])
    present = {hub_license(lic) for lics in found["per_source"].values() for lic in lics}
    if not present <= set(licenses):
        problems.append(f"README.md: front matter license {licenses} misses {sorted(present - set(licenses))}")
    if "fr" not in (meta.get("language") or []):
        problems.append("README.md: front matter language does not list 'fr'")
    if not meta.get("configs"):
        problems.append("README.md: front matter has no configs/data_files")


def verify_export(out_dir: str | Path) -> list[str]:
    """Every problem found in an export folder (empty: the export is intact and consistent)."""
    layout = ExportLayout(out_dir)
    problems: list[str] = []
    loaded = _load(layout, problems)
    if loaded is None:
        return problems
    manifest, gate = loaded
    found = _check_shards(layout, manifest, gate, problems)
    _check_counts(manifest, found, problems)
    _check_attribution(layout, manifest, found, problems)
    _check_card(layout, found, problems)
    return problems
