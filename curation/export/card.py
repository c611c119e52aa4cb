"""The texts that travel with an export: ``ATTRIBUTION.md`` and the dataset card ``README.md``.

Both are pure functions of ``manifest.json`` and of the exported shards' metadata (read column by
column, never the text), so the same export always writes the same files.

``ATTRIBUTION.md`` has one section per source present (name, title, URL, licenses, the manifest's
attribution text) and, for works under a Creative Commons license (CC BY and its variants, which
require crediting each work), one line per work — authors, title, DOI or URL, license, work id — where a
work is the original document a passage or segment comes from (``root_id``, else ``parent_id``, else
the document itself). Sources and works are sorted, so the order is deterministic.

``README.md`` starts with Hugging Face YAML front matter (``license``, ``language``, ``size_categories``,
``task_categories``, ``pretty_name``, ``configs``), then sizes, the table of sources and licenses, the
exclusions of the policy and the pipeline that produced the documents.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Work",
    "attribution_markdown",
    "card_markdown",
    "front_matter",
    "hub_license",
    "is_cc_by",
    "read_works",
    "size_category",
    "work_key",
]

WORK_COLUMNS = ("id", "source", "license", "root_id", "parent_id", "title", "authors", "doi", "url")
"""Columns of the exported shards read to list the works."""
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
          (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
          (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T"))


def is_cc_by(spdx: str) -> bool:
    """Whether a license is a Creative Commons one requiring attribution (CC BY and variants, not CC0)."""
    up = spdx.upper()
    return up.startswith(("CC-BY", "LICENSEREF-CC-"))


def hub_license(spdx: str) -> str:
    """The Hugging Face Hub's id of a license: the SPDX id in lower case, ``other`` for ``LicenseRef-*``."""
    return "other" if spdx.lower().startswith("licenseref-") else spdx.lower()


def size_category(documents: int) -> str:
    """Hugging Face ``size_categories`` value for a number of documents."""
    for limit, label in _SIZES:
        if documents < limit:
            return label
    return "n>1T"


def work_key(row: dict[str, Any]) -> str:
    """The work a document belongs to: its ``root_id``, else its ``parent_id``, else its own id."""
    return str(row.get("root_id") or row.get("parent_id") or row["id"])


@dataclass
class Work:
    """One work to credit: what its documents say about it (the smallest document id wins per field)."""

    key: str
    source: str
    license: str
    title: str | None = None
    authors: list[str] | None = None
    doi: str | None = None
    url: str | None = None

    def line(self) -> str:
        """The work's Markdown list item."""
        parts = []
        if self.authors:
            parts.append(_inline(", ".join(self.authors)) + ".")
        parts.append(f"*{_inline(self.title)}*." if self.title else "(untitled).")
        if self.doi:
            parts.append(f"https://doi.org/{self.doi}.")
        elif self.url:
            parts.append(f"{self.url}.")
        parts.append(f"{self.license}.")
        parts.append(f"(`{self.key}`)")
        return "- " + " ".join(parts)


def _sort_key(text: str) -> str:
    """Titles in reading order: accents and case ignored."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()


def _inline(text: str) -> str:
    return " ".join(str(text).split()).replace("*", r"\*").replace("_", r"\_")


def read_works(shards: list[Path]) -> dict[str, dict[str, Work]]:
    """Works under a CC BY-family license in the exported shards, by source then work key."""
    import pyarrow.parquet as pq

    works: dict[str, dict[str, Work]] = {}
    first: dict[tuple[str, str, str], str] = {}
    for path in shards:
        if not path.is_file():
            continue
        names = set(pq.read_schema(path).names)
        table = pq.read_table(path, columns=[c for c in WORK_COLUMNS if c in names])
        for row in table.to_pylist():
            spdx = str(row.get("license") or "")
            if not is_cc_by(spdx):
                continue
            key, source = work_key(row), str(row.get("source"))
            work = works.setdefault(source, {}).setdefault(key, Work(key=key, source=source, license=spdx))
            for name in ("title", "authors", "doi", "url"):
                value = row.get(name)
                seen = first.get((source, key, name))
                if value and (seen is None or row["id"] < seen):
                    setattr(work, name, list(value) if name == "authors" else value)
                    first[(source, key, name)] = row["id"]
    return works


# --- ATTRIBUTION.md ---------------------------------------------------------------------------------


def attribution_markdown(manifest: dict[str, Any], works: dict[str, dict[str, Work]]) -> str:
    """``ATTRIBUTION.md``: every source present with its attribution text, then its CC BY works."""
    per_source = manifest["per_source"]
    sources = manifest["sources"]
    lines = [
        "# Attribution",
        "",
        (f"This dataset was exported by biomedfr from the {manifest['input']['kind']} "
        f"`{manifest['input']['name']}` under the `{manifest['policy']['name']}` license policy. It holds "
        f"{manifest['documents']['kept']:,} documents from the {len(per_source)} sources below; any reuse must "
        "keep these attributions. Each document's license is in its `license` column; derived documents "
        "(passages extracted from an article, textbooks generated from a terminology) carry the license of "
        "the work they come from."),
    ]
    for name, counts in per_source.items():
        info = sources.get(name, {})
        lines += ["", f"## {name}", ""]
        title = info.get("title") or name
        lines.append(f"{title}" + (f" — {info['url']}" if info.get("url") else ""))
        lines.append("")
        licenses = ", ".join(f"{lic} ({c['documents']:,} documents)" for lic, c in counts["licenses"].items())
        lines.append(f"- Licenses: {licenses}")
        lines.append(f"- Manifest: `{info.get('manifest', '?')}`")
        lines.append(f"- Attribution: {info.get('attribution') or '(no attribution text in the manifest)'}")
        source_works = works.get(name, {})
        if source_works:
            lines += ["", f"### Works under a Creative Commons BY license ({len(source_works):,})", ""]
            ordered = sorted(source_works.values(), key=lambda w: (_sort_key(w.title or ""), w.key))
            lines += [w.line() for w in ordered]
    return "\n".join(lines) + "\n"


# --- README.md --------------------------------------------------------------------------------------


def front_matter(text: str) -> dict[str, Any] | None:
    """The YAML front matter of a Markdown text, parsed (None when there is none); YAML errors propagate."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    data = yaml.safe_load(text[4:end])
    return data if isinstance(data, dict) else None


def card_metadata(manifest: dict[str, Any], pretty_name: str | None = None) -> dict[str, Any]:
    """The card's front matter."""
    licenses = sorted({hub_license(lic) for lic in manifest["per_license"]})
    meta: dict[str, Any] = {
        "pretty_name": pretty_name or f"biomedfr {manifest['input']['name']} ({manifest['policy']['name']})",
        "language": ["fr"],
        "license": licenses,
    }
    if "other" in licenses:
        meta["license_name"] = "licenseref-per-document"
        meta["license_link"] = "ATTRIBUTION.md"
    meta.update({
        "size_categories": [size_category(manifest["documents"]["kept"])],
        "task_categories": ["text-generation", "fill-mask"],
        "task_ids": ["language-modeling", "masked-language-modeling"],
        "tags": ["biomedical", "medical", "french", "biomedfr"],
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": "data/*.parquet"}]}],
    })
    return meta


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in row) + " |" for row in rows]
    return out


def card_markdown(manifest: dict[str, Any], pretty_name: str | None = None) -> str:
    """The dataset card: front matter, sizes, sources, licenses, exclusions, pipeline, how to load."""
    meta = card_metadata(manifest, pretty_name)
    inp, policy, docs, tokens = manifest["input"], manifest["policy"], manifest["documents"], manifest["tokens"]
    counter = ", ".join(tokens.get("counter") or []) or "the run's token counter"
    total_bytes = sum(s["bytes"] for s in manifest["shards"])
    lines = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# {meta['pretty_name']}", ""]
    description = " ".join(str(policy["content"].get("description") or "").split())
    lines += [
        f"French biomedical texts exported by biomedfr from the {inp['kind']} `{inp['name']}` (config hash "
        f"`{inp['config_hash'][:12]}`) under the `{policy['name']}` license policy"
        + (f": {description}" if description else "."),
        "",
        ("Every document keeps its license (SPDX id in the `license` column). "
        "[ATTRIBUTION.md](ATTRIBUTION.md) gives the attribution each source and each CC BY work requires; "
        "`manifest.json` has the counts, the full policy and the sha256 of every shard "
        "(`biomedfr export --verify DIR` checks them)."),
        "",
        "## Size",
        "",
    ]
    size_rows = [["documents", docs["kept"]], [f"tokens ({counter})", tokens["kept"]]]
    if inp["kind"] == "mix":
        size_rows.append(["tokens with the mix's repetitions", tokens["kept_with_repetitions"]])
    size_rows += [["shards", f"{len(manifest['shards']):,} (`data/*.parquet`, {total_bytes / 1e6:.1f} MB)"],
                  ["documents read", docs["input"]], ["documents excluded by the policy", docs["excluded"]]]
    lines += _table(["", "value"], size_rows)
    if tokens["documents_without_token_count"]:
        lines += ["", (f"Note: {tokens['documents_without_token_count']:,} documents have no `token_count` "
                      "metadata; they count as 0 tokens.")]
    if inp["kind"] == "mix":
        lines += ["", ("Each document is written once; its `repetitions` column is the number of copies the "
                      "mix asks for (`biomedfr pack` writes them).")]
    lines += ["", "## Sources", ""]
    source_rows = [[f"`{name}`", lic, c["documents"], c["tokens"]]
                   for name, entry in manifest["per_source"].items() for lic, c in entry["licenses"].items()]
    lines += _table(["source", "license", "documents", "tokens"], source_rows)
    lines += ["", "## Licenses", ""]
    lines += _table(["license", "documents", "tokens"],
                    [[lic, c["documents"], c["tokens"]] for lic, c in manifest["per_license"].items()])
    lines += ["", "## Policy and exclusions", ""]
    content = policy["content"]
    lines.append(
        f"Policy `{policy['name']}` ({policy['origin']}"
        + (f", overrides {', '.join(policy['overrides'])}" if policy["overrides"] else "")
        + f"): non-commercial licenses {content['non_commercial']}, share-alike {content['share_alike']}, "
        f"no-derivatives {content['no_derivatives']} (never for derived documents); documents with an unknown "
        "license and licenses that forbid redistribution never leave."
    )
    if manifest["excluded"]["by_reason"]:
        lines += [""] + _table(["reason", "documents"], [[f"`{r}`", n] for r, n in manifest["excluded"]["by_reason"].items()])
    lines += ["", "## Pipeline", ""]
    for run in inp["runs"]:
        steps = " → ".join(f"`{s}`" for s in run["steps"]) or "(no steps recorded)"
        lines.append(f"- run `{run['name']}` (config hash `{str(run['config_hash'])[:12]}`): {steps}")
    if inp["kind"] == "mix":
        lines.append(f"- mix `{inp['name']}` (config hash `{inp['config_hash'][:12]}`) chose the documents "
                     "and their repetitions")
        if manifest.get("per_group"):
            lines += [""] + _table(["mix group", "documents", "tokens", "tokens with repetitions"],
                                   [[g, c["documents"], c["tokens"], c["tokens_with_repetitions"]]
                                    for g, c in manifest["per_group"].items()])
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        'dataset = load_dataset("parquet", data_files="data/*.parquet", split="train")',
        "```",
        "",
        "## Files",
        "",
        "- `data/*.parquet`: the documents (`id`, `text`, then the metadata columns of `curation/document.py`)",
        "- `excluded/*.parquet`: the documents the policy left out, with their `reason`",
        "- `manifest.json`: counts per source and license, the policy, the input, sha256 per shard",
        "- `ATTRIBUTION.md`: attribution per source and per CC BY work",
    ]
    return "\n".join(lines) + "\n"
