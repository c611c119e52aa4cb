"""``heuristic_extract``: passages with their metadata, fixes and stats; and the sample ledger walked.

The walk reads the sample corpus with the real readers (born-digital PDFs, TEI, and the scanned PDFs
the ledger names for these steps, through tesseract), runs segment -> heuristic_extract ->
passage_filter -> fidelity -> window_dedup in-process, and checks every ledger entry of
``heuristic_extract``, ``passage_filter`` and ``window_dedup`` on a PDF or TEI document: the fix is in
the passages' ``fixes`` and the planted text is gone, or the document has a passage excluded with
the reason.
"""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from curation.document import Document, validate_metadata
from curation.io import read_records
from curation.readers.catalog import reader_class
from curation.readers.ocr import tesseract_status
from curation.recipe import load_recipe
from curation.run.context import RunContext
from curation.run.sources import resolve_source
from curation.sample import SAMPLE_LEDGER, SAMPLE_RECIPE
from curation.steps.base import iter_outputs
from curation.steps.fidelity import FidelityConfig, FidelityFilterConfig, FidelityTagger
from curation.steps.heuristic_extract import HeuristicExtractConfig, HeuristicExtractor
from curation.steps.passage_filter import PassageFilter, PassageFilterConfig
from curation.steps.segment import SegmentConfig, Segmenter
from curation.steps.window_dedup import WindowDedupConfig, WindowDedupFilter
from curation.text.cleaning import FIX_KINDS

META = {"source": "s", "license": "MIT", "route": "extraction"}
PAGE = "Revue fictive · 2024 ; 18 (3) : 211-218\n\n{body}\n\nPage {n} / 2"
BODY1 = "Introduction\n\nL’hypertension artérielle demeure fré-\nquente. Le traitement est eﬃcace et bien toléré."
BODY2 = (
    "Le dÃ©pistage est recommandÃ© chez les patients diabÃ©tiques.\n\nFigure 1. Courbe.\n\n"
    "Références\n\n1. A. 2020."
)
TEXT = PAGE.format(body=BODY1, n=1) + "\f\n\n" + PAGE.format(body=BODY2, n=2)


def _doc(text=TEXT, doc_id="s/a.pdf#s0", **meta):
    return Document(text=text, id=doc_id, metadata=dict(META, **meta))


def _step(tmp_path, **config):
    return HeuristicExtractor(HeuristicExtractConfig(**config), RunContext(out_dir=str(tmp_path)), 2)


def test_passages_metadata_and_stats(tmp_path):
    step = _step(tmp_path)
    parent = _doc(root_id="s/a.pdf", parent_id="s/a.pdf", passage_index=0, char_start=0, char_end=len(TEXT),
                  token_count=999, page_start=3, _old="x")
    out = iter_outputs(step, [parent])
    assert [d.id for d in out] == ["s/a.pdf#s0#p0", "s/a.pdf#s0#p1"]
    assert [d.text for d in out] == [
        "Introduction\nL’hypertension artérielle demeure fréquente. Le traitement est efficace et bien toléré.",
        "Le dépistage est recommandé chez les patients diabétiques.",
    ]
    fixes = list(FIX_KINDS)
    for index, d in enumerate(out):
        m = d.metadata
        assert (m["root_id"], m["parent_id"], m["passage_index"]) == ("s/a.pdf", "s/a.pdf#s0", index)
        assert m["fixes"] == fixes and m["token_count"] < 20 and "_old" not in m
        assert m["_segment_text"] is out[0].metadata["_segment_text"] and m["_segment_text"] == TEXT
        validate_metadata(m)
    assert TEXT[out[0].metadata["char_start"] : out[0].metadata["char_end"]].startswith("Introduction\n\nL’hyper")
    assert TEXT[out[1].metadata["char_start"] : out[1].metadata["char_end"]].startswith("Le dÃ©pistage")
    assert [(d.metadata["page_start"], d.metadata["page_end"]) for d in out] == [(3, 3), (4, 4)]
    stats = {k: v.total for k, v in step.stats.stats.items()}
    assert all(stats[fix] == 1 for fix in FIX_KINDS) and stats["passages"] == 2


def test_root_defaults_to_the_input_id(tmp_path):
    out = iter_outputs(_step(tmp_path), [_doc("Un paragraphe complet, avec une phrase.", "s/b")])
    assert out[0].id == "s/b#p0" and out[0].metadata["root_id"] == "s/b" and out[0].metadata["fixes"] == []


def test_nothing_left_is_excluded(tmp_path):
    step = _step(tmp_path)
    assert iter_outputs(step, [_doc("Bibliographie\n\n1. Dupont A. Titre. 2021.\n\n2. Durand B. 2020.")]) == []
    (record,) = read_records(tmp_path / "excluded")
    assert record["reason"] == "no_passage_extracted"
    assert record["message"] == "no text left after cleaning (fixes: references_removed)"
    assert step.stats["references_removed"].total == 1


def test_every_config_field_is_documented():
    configs = [SegmentConfig, HeuristicExtractConfig, PassageFilterConfig, FidelityConfig, FidelityFilterConfig,
               WindowDedupConfig]
    for config in configs:
        assert config.model_config.get("extra") == "forbid"
        for name, field in config.model_fields.items():
            assert field.description, f"{config.__name__}.{name} has no docstring"
            assert not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)), name
        step = typing.get_args(config.model_fields["step"].annotation)
        assert step == (config.model_fields["step"].default,)


# --- the sample ledger ------------------------------------------------------------------------------

STEPS = ("heuristic_extract", "passage_filter", "window_dedup")
FOLDERS = {"pdf": "sample-pdf", "scans": "sample-scans", "tei": "sample-tei"}
ENTRIES = [
    e for e in yaml.safe_load(SAMPLE_LEDGER.read_text(encoding="utf-8"))
    if e["step"] in STEPS and e["document"].split("/")[0] in FOLDERS
]


def _root(document: str) -> str:
    folder, _, path = document.partition("/")
    return f"{FOLDERS[folder]}/{path}"


def _walk(tmp: Path, folders: set[str], only: dict[str, set[str]] | None = None) -> dict:
    recipe = load_recipe(SAMPLE_RECIPE)
    context = RunContext(out_dir=str(tmp))
    docs: list[Document] = []
    for source in recipe.sources:
        resolved = resolve_source(source, recipe.base_dir)
        folder = Path(resolved.root).name
        if folder not in folders:
            continue
        wanted = frozenset((p, "") for p in only[folder]) if only else None
        docs += list(reader_class(resolved.reader)(resolved, context, only=wanted).run(None, rank=0, world_size=1))
    segments = iter_outputs(Segmenter(SegmentConfig(), context, 1), docs)
    passages = iter_outputs(HeuristicExtractor(HeuristicExtractConfig(), context, 2), segments)
    kept = iter_outputs(PassageFilter(PassageFilterConfig(), context, 3), passages)
    kept = iter_outputs(FidelityTagger(FidelityConfig(), context, 4), kept)
    iter_outputs(WindowDedupFilter(WindowDedupConfig(), context, 5), kept)
    by_root: dict[str, list[Document]] = defaultdict(list)
    for p in passages:
        by_root[p.metadata["root_id"]].append(p)
    excluded: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rec in read_records(tmp / "excluded"):
        root = rec["metadata"].get("root_id") or rec["id"]
        excluded[root].append((rec["step"].split("_", 1)[1], rec["reason"]))
    fidelity = {p.id: p.metadata["fidelity"] for p in kept}
    return {"read": {d.id for d in docs}, "passages": by_root, "excluded": excluded, "fidelity": fidelity}


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> dict:
    """The born-digital PDFs and the TEI files through the five steps."""
    return _walk(tmp_path_factory.mktemp("walk"), {"pdf", "tei"})


@pytest.fixture(scope="module")
def scan_walk(tmp_path_factory) -> dict:
    """The scanned PDFs the ledger names for these steps, read with tesseract, through the five steps."""
    status = tesseract_status(None, "fra")
    assert status.tessdata is not None, f"scanned pages need OCR (make test installs it): {status.problem}"
    names = {e["document"].split("/", 1)[1] for e in ENTRIES if e["document"].startswith("scans/")}
    return _walk(tmp_path_factory.mktemp("scan_walk"), {"scans"}, {"scans": names})


def _quoted(problem: str) -> list[str]:
    return [q.rstrip(" .…") for q in re.findall(r"(?:^|(?<=[\s(]))'([^']+)'", problem)]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check_fix(entry: dict, texts: list[str]) -> None:
    """The planted problem of a fix entry is gone from the passages' texts."""
    reason, problem, joined = entry["reason"], entry["problem"], "\n".join(texts)
    if reason == "running_header_removed":
        for header in _quoted(problem):
            assert _squeeze(header) not in _squeeze(joined), header
    elif reason == "page_number_removed":
        for number in _quoted(problem):
            if number.isdigit():
                assert all(line.strip() != number for t in texts for line in t.split("\n")), number
            else:
                assert _squeeze(number) not in _squeeze(joined), number
    elif reason == "hyphenation_joined":
        for first, second in re.findall(r"(\w+)-/(\w+)", problem):
            word = (first + second).replace("ﬃ", "ffi").replace("ﬁ", "fi")
            assert word in joined, word
            assert not re.search(re.escape(first) + r"-\s", joined), first
        if "photo-exposées" in problem:
            assert "photo-exposées" in joined
    elif reason == "ligature_fixed":
        assert not re.search("[\ufb00-\ufb06]", joined)
    elif reason == "mojibake_fixed":
        assert "Ã" not in joined and "â€" not in joined
    elif reason == "caption_removed":
        caption = _quoted(problem)[0]
        assert caption[:30] not in joined and not re.search(r"(?m)^(Figure|Tableau) 1\s*[.:]", joined), caption
    elif reason == "references_removed":
        heading = _quoted(problem)[0] if _quoted(problem) else "Références"
        assert not re.search(rf"(?m)^{heading}$", joined)
        assert not re.search(r"(?m)^\s*\d{1,3}\.\s+\S.*(19|20)\d\d", joined) and "doi:" not in joined


PARAMS = [
    pytest.param(e, id=f"{e['document']}:{e['reason']}", marks=[pytest.mark.slow] * e["document"].startswith("scans/"))
    for e in ENTRIES
]  # scanned pages go through tesseract: a few seconds


@pytest.mark.parametrize("entry", PARAMS)
def test_sample_ledger_entry_is_handled(request, entry):
    evidence = request.getfixturevalue("scan_walk" if entry["document"].startswith("scans/") else "walk")
    root = _root(entry["document"])
    assert root in evidence["read"], f"{root} was not read"
    excluded = evidence["excluded"][root]
    if entry["step"] != "heuristic_extract" or entry["reason"] == "no_passage_extracted":
        assert (entry["step"], entry["reason"]) in excluded, f"{root}: excluded {excluded}"
        return
    passages = evidence["passages"][root]
    assert passages, f"{root}: no passage"
    assert all(entry["reason"] in p.metadata["fixes"] for p in passages)
    _check_fix(entry, [p.text for p in passages])


def test_sample_passages_are_faithful(walk):
    """Heuristic passages come from their source almost verbatim; only mojibake repairs lose a little."""
    fidelity = walk["fidelity"]
    assert len(fidelity) > 100
    below = {pid for pid, value in fidelity.items() if value < 0.99}
    assert min(fidelity.values()) >= 0.9
    passages = {p.id: p for ps in walk["passages"].values() for p in ps}
    assert all("mojibake_fixed" in passages[pid].metadata["fixes"] for pid in below), below
