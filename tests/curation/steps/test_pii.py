"""The ``pii`` step: each kind found (and not found), the NIR key check, redaction, the step's laws."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.document import Document
from curation.recipe import load_recipe
from curation.run.context import RunContext
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting, funnel
from curation.sample import SAMPLE_CORPUS, SAMPLE_LEDGER
from curation.steps.base import iter_outputs
from curation.steps.pii import (
    PII_KINDS,
    PLACEHOLDERS,
    PiiConfig,
    PiiTagger,
    Span,
    find_pii,
    iban_ok,
    nir_key_ok,
    redact,
)
from tests.curation.run.corpus import write_recipe
from tests.strategies import unique_documents

META = {"source": "s", "license": "CC-BY-4.0", "route": "direct"}


def found(text: str, types=None) -> list[tuple[str, str]]:
    """(kind, matched text) of every identifier found."""
    return [(s.kind, s.text) for s in find_pii(text, types)]


# --- true positives and true negatives, kind by kind ----------------------------------------------

POSITIVES = [
    ("email", "Écrire à sophie.durand@example.com.", "sophie.durand@example.com"),
    ("email", "contact : j-p.martin+cardio@chu-lyon.fr, merci", "j-p.martin+cardio@chu-lyon.fr"),
    ("phone", "joignable au 06 12 34 56 78 le soir", "06 12 34 56 78"),
    ("phone", "tél. 06.12.34.56.78", "06.12.34.56.78"),
    ("phone", "au +33 6 12 34 56 78.", "+33 6 12 34 56 78"),
    ("phone", "mobile 0712345678", "0712345678"),
    ("phone", "secrétariat 01 42 16 00 00", "01 42 16 00 00"),
    ("phone", "fixe 05-56-79-56-79", "05-56-79-56-79"),
    ("phone", "box 09 87 65 43 21", "09 87 65 43 21"),
    ("phone", "depuis l'étranger +33 (0)4 72 11 00 00", "+33 (0)4 72 11 00 00"),
    ("nir", "NIR 2 46 03 75 114 027 79.", "2 46 03 75 114 027 79"),
    ("nir", "n° SS 246037511402779", "246037511402779"),
    ("nir", "Corse-du-Sud : 1 85 05 2A 006 084 35", "1 85 05 2A 006 084 35"),
    ("nir", "Haute-Corse : 269042B00608404", "269042B00608404"),
    ("patient_id", "Patiente identifiée sous le numéro IPP 4027719583.", "4027719583"),
    ("patient_id", "NIP : 00123456", "00123456"),
    ("patient_id", "N° de dossier : 20231234 ;", "20231234"),
    ("patient_id", "numéro patient 887766", "887766"),
    ("patient_id", "identifiant patient AB123456", "AB123456"),
    ("birth_date", "Mme D., née le 12/03/1954, est", "12/03/1954"),
    ("birth_date", "M. X, né(e) le 01.02.1999", "01.02.1999"),
    ("birth_date", "né le 3 mars 1960 à Lyon", "3 mars 1960"),
    ("birth_date", "Date de naissance : 12/03/54", "12/03/54"),
    ("birth_date", "DDN 1er août 1947", "1er août 1947"),
    ("address", "Domicile : 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
    ("address", "au 3 bis avenue Jean-Jaurès 69007 Lyon Cedex 07.", "3 bis avenue Jean-Jaurès 69007 Lyon Cedex 07"),
    ("address", "vit 5, boulevard Saint-Michel et", "5, boulevard Saint-Michel"),
    ("address", "18 allée des Tilleuls 33000 Bordeaux", "18 allée des Tilleuls 33000 Bordeaux"),
    ("address", "Hôpital\n4, allée des Tilleuls\n99100 Valmont\nIntroduction", "4, allée des Tilleuls\n99100 Valmont"),
    ("address", "Domicile : 4, allée des Tilleuls\nService de pédiatrie", "4, allée des Tilleuls"),
    ("rpps", "Dr Martin, RPPS 10003456789.", "10003456789"),
    ("rpps", "n° RPPS : 100 0345 6789", "100 0345 6789"),
    ("adeli", "n° ADELI : 751234567", "751234567"),
    ("iban", "IBAN FR76 3000 6000 0112 3456 7890 189.", "FR76 3000 6000 0112 3456 7890 189"),
    ("iban", "RIB FR1420041010050500013M02606", "FR1420041010050500013M02606"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), POSITIVES)
def test_each_kind_is_found(kind, text, expected):
    assert found(text) == [(kind, expected)]


NEGATIVES = [
    "Pas d'adresse électronique ici : jean.martin arobase example.com, ni @mention.",
    "La natrémie était à 116 mmol/L et l'osmolalité à 242 mOsm/kg.",
    "Un traitement par IPP 20 mg par jour, puis IPP 40 mg.",
    "Dosage à 0,06 12 mg ; 08 00 00 00 00 est un numéro de service.",
    "Numéro trop court 06 12 34 56 et trop long 06 12 34 56 78 90 12.",
    "NIR à clé fausse : 2 46 03 75 114 027 78 ; Corse à clé fausse 1 85 05 2A 006 084 36.",
    "Un nombre de 15 chiffres 123456789012345 n'est pas un NIR.",
    "Il est né le premier jour, et la date du 12/03/1954 n'est pas une naissance.",
    "Le 12 rue est fermé, 3 place disponibles, 2 cours de biologie.",
    "RPPS non renseigné ; ADELI 12 ; l'étude ADELI-2 de 2019.",
    "IBAN FR76 3000 6000 0112 3456 7890 188 (clé fausse) et FR76 trop court.",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_nothing_is_found_where_there_is_no_identifier(text):
    assert found(text) == []


def test_nir_key_check():
    assert nir_key_ok("246037511402779")
    assert not nir_key_ok("246037511402778")
    assert nir_key_ok("185052A00608435") and nir_key_ok("185052a00608435")
    assert not nir_key_ok("185052A00608436")
    assert nir_key_ok("269042B00608404")
    assert not nir_key_ok("2690419006084")  # no key
    assert not nir_key_ok("2A9042B00608404")
    assert not nir_key_ok("²" * 15)


def test_iban_check():
    assert iban_ok("FR76 3000 6000 0112 3456 7890 189")
    assert not iban_ok("FR76 3000 6000 0112 3456 7890 188")
    assert not iban_ok("FR7")


def test_types_restrict_the_kinds_searched():
    text = "sophie.durand@example.com, 06 12 34 56 78, IPP 4027719583"
    assert found(text, ["phone"]) == [("phone", "06 12 34 56 78")]
    assert [k for k, _ in found(text, ["email", "patient_id"])] == ["email", "patient_id"]
    assert found(text, []) == []
    from_generator = found(text, (k for k in ["phone", "email"]))
    assert from_generator == [("email", "sophie.durand@example.com"), ("phone", "06 12 34 56 78")]


def test_overlapping_matches_keep_the_most_specific():
    text = "numéro patient 0612345678 et IPP 246037511402779"
    assert found(text) == [("patient_id", "0612345678"), ("nir", "246037511402779")]


def test_a_match_hidden_by_an_overlap_is_found_in_a_later_round():
    # the address's city runs into the IBAN: the IBAN wins, then the address is found without it
    text = "18 allée des Tilleuls 33000 BordeauxIBAN FR76 3000 6000 0112 3456 7890 189."
    assert found(text) == [
        ("address", "18 allée des Tilleuls 33000 BordeauxIBAN"), ("iban", "FR76 3000 6000 0112 3456 7890 189")]
    assert redact(text, find_pii(text)) == "[ADRESSE] [IBAN]."


# --- redaction -----------------------------------------------------------------------------------

CLINICAL = (
    "Mme Jeanne D., née le 12/03/1954, demeurant 12 rue de la Paix, 75002 Paris, joignable au "
    "06 12 34 56 78 ou à jeanne.d@example.com. IPP 4027719583, NIR 2 46 03 75 114 027 79. "
    "Adressée par le Dr Martin (RPPS 10003456789). Remboursement sur FR76 3000 6000 0112 3456 7890 189."
)
REDACTED = (
    "Mme Jeanne D., née le [DATE_NAISSANCE], demeurant [ADRESSE], joignable au "
    "[TEL] ou à [EMAIL]. IPP [IPP], NIR [NIR]. "
    "Adressée par le Dr Martin (RPPS [RPPS]). Remboursement sur [IBAN]."
)


def test_redaction_replaces_every_identifier_by_its_placeholder():
    spans = find_pii(CLINICAL)
    assert redact(CLINICAL, spans) == REDACTED
    assert find_pii(REDACTED) == []


def test_redaction_is_idempotent_on_clinical_text():
    once = redact(CLINICAL, find_pii(CLINICAL))
    assert redact(once, find_pii(once)) == once


def test_placeholders_are_not_identifiers():
    text = " ".join(PLACEHOLDERS.values())
    assert find_pii(text) == []


FRAGMENTS = [s for _, s, _ in POSITIVES] + NEGATIVES + list(PLACEHOLDERS.values()) + [
    " ", ".", ",", "-", "/", "+", "0", "1", "2", "06", "33", "2A", "FR", "@", "né le ", "IPP ", "rue ", "Paris",
]
pii_texts = st.lists(
    st.sampled_from(FRAGMENTS) | st.text(alphabet="0123456789 .-+/@:()AB2FRnéleIPrueParis", max_size=8),
    max_size=12,
).map("".join)
"""Texts made of identifiers, near-misses, separators and placeholders, glued in any order."""


@settings(max_examples=400, deadline=None)
@given(text=pii_texts | st.text(max_size=120))
def test_find_pii_laws(text):
    spans = find_pii(text)
    for span in spans:
        assert span.kind in PII_KINDS and text[span.start : span.end] == span.text and span.start < span.end
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    once = redact(text, spans)
    assert redact(once, find_pii(once)) == once


def test_odd_input_never_raises():
    for text in ["", "\x00\ud800", "0" * 10_000, "@" * 5000, "a" * 5000 + "@", "1 " * 5000, "FR76" * 1000, None]:
        assert isinstance(find_pii(text), list)  # type: ignore[arg-type]


# --- the step ------------------------------------------------------------------------------------

def _tagger(tmp_path: Path, **options) -> PiiTagger:
    """A ``pii`` step writing its records under ``tmp_path``."""
    return PiiTagger(PiiConfig(**options), RunContext(out_dir=str(tmp_path)), 1)


def test_step_writes_metadata_and_stats(tmp_path):
    step = _tagger(tmp_path)
    docs = [Document(CLINICAL, "s/1", metadata=dict(META)), Document("Rien à signaler.", "s/2", metadata=dict(META))]
    out = iter_outputs(step, docs)
    assert [d.text for d in out] == [CLINICAL, "Rien à signaler."]
    assert out[0].metadata["pii_types"] == [
        "address", "birth_date", "email", "iban", "nir", "patient_id", "phone", "rpps"]
    assert (out[0].metadata["pii_count"], out[0].metadata["pii_redacted"]) == (8, False)
    assert (out[1].metadata["pii_types"], out[1].metadata["pii_count"]) == ([], 0)
    stats = step.stats
    assert int(stats["pii.email"].total) == 1 and int(stats["pii.documents"].total) == 1
    assert int(stats["kept"].total) == 2 and "changed" not in stats.stats


def test_step_redacts_when_asked(tmp_path):
    step = _tagger(tmp_path, redact=True, types=["email", "phone"])
    doc = Document("Tél 06 12 34 56 78, a@b.fr, IPP 4027719583", "s/1", metadata=dict(META))
    (out,) = iter_outputs(step, [doc])
    assert out.text == "Tél [TEL], [EMAIL], IPP 4027719583"
    assert (out.metadata["pii_types"], out.metadata["pii_count"], out.metadata["pii_redacted"]) == (
        ["email", "phone"], 2, True)
    assert int(step.stats["changed"].total) == 1


def test_step_config_rejects_an_unknown_kind():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        PiiConfig(types=["passport"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=20), extra=st.lists(st.sampled_from(FRAGMENTS), max_size=6))
def test_tagger_never_changes_text_without_redact(tmp_path_factory, docs, extra):
    step = _tagger(tmp_path_factory.mktemp("pii"))
    docs = [Document(d.text + " ".join(extra), d.id, metadata=d.metadata) for d in docs]
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    out = iter_outputs(step, docs)
    assert [d.id for d in out] == [d.id for d in docs]
    for d in out:
        text, meta = before[d.id]
        assert d.text == text
        assert {k: v for k, v in d.metadata.items() if not k.startswith("pii_")} == meta
        assert d.metadata["pii_count"] == len(find_pii(text)) and d.metadata["pii_redacted"] is False


# --- the sample corpus ---------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # a config appended after validation
def test_planted_pii_of_the_sample_is_found_and_redacted(tmp_path):
    planted = {e["reason"].removeprefix("pii_") for e in yaml.safe_load(SAMPLE_LEDGER.read_text(encoding="utf-8"))
               if e["step"] == "pii" and e["document"].endswith("#cc-001")}
    assert planted == {"email", "phone", "nir", "patient_id"}
    recipe_path = write_recipe(
        tmp_path / "recipe.yaml",
        [{"name": "cas", "route": "direct", "reader": {"format": "jsonl", "path": str(SAMPLE_CORPUS / "jsonl")}}],
        steps=[],
    )
    recipe = load_recipe(recipe_path)
    recipe.steps.append(PiiConfig(redact=True))
    out = tmp_path / "out"
    curate(plan_run(recipe, out=str(out)))
    rows = {r["id"]: r for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    cc = rows["cas/cc-001"]
    assert set(cc["pii_types"]) == planted and cc["pii_count"] == 4 and cc["pii_redacted"] is True
    for secret in ("sophie.durand@example.com", "06 12 34 56 78", "2 46 03 75 114 027 79", "4027719583"):
        assert secret not in cc["text"]
    assert "numéro IPP [IPP], numéro de sécurité sociale [NIR]." in cc["text"]
    assert "joignable au [TEL] ou par courriel à [EMAIL]," in cc["text"]
    assert check_accounting(out) == []
    step = next(c for c in funnel(out) if c.label == "01_pii")
    assert int(step.extra["pii.nir"].total) == 1 and int(step.extra["changed"].total) >= 1


def test_span_is_a_plain_value():
    assert Span("email", 0, 3, "a@b") == Span("email", 0, 3, "a@b")
