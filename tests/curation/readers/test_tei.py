"""TEI reader: texts, metadata, bibliography left out, safe parsing, failures, accounting, sharding."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from curation.io import read_records
from curation.manifest import Manifest
from curation.readers.tei import TeiReader, TeiReaderConfig
from curation.run.context import RunContext
from curation.run.sources import ResolvedSource

MANIFEST_LICENSE = "CC-BY-NC-4.0"

GROBID = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xml:space="preserve" xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader xml:lang="fr">
    <fileDesc>
      <titleStmt><title level="a" type="main">Le diabète de type 2 chez l'adulte</title></titleStmt>
      <publicationStmt><availability status="free">
        <licence target="https://creativecommons.org/licenses/by/4.0/">Creative Commons</licence>
      </availability></publicationStmt>
      <sourceDesc><biblStruct><analytic>
        <author><persName><forename type="first">Marie</forename><forename type="middle">C</forename><surname>Curie</surname></persName></author>
        <author><persName><forename type="first">Louis</forename><surname>Pasteur</surname></persName></author>
        <idno type="DOI">10.1234/abc.5678</idno>
      </analytic></biblStruct></sourceDesc>
    </fileDesc>
    <profileDesc><abstract><div><p>Résumé  du
      travail.</p></div></abstract></profileDesc>
  </teiHeader>
  <text xml:lang="fr">
    <body>
      <div><head n="1">Introduction</head>
        <p>Le <hi rend="italic">diabète</hi> touche <ref type="bibr" target="#b0">[1]</ref> des millions de patients<note place="foot">Note cachée.</note>.</p>
      </div>
      <div><head>Méthodes</head><p>Nous avons inclus <term>42</term> patients.</p>
        <figure><head>Figure 1</head><figDesc>Légende de la figure.</figDesc></figure>
        <figure type="table"><head>Tableau 1</head><table><row><cell>Âge</cell><cell>54</cell></row></table></figure>
        <formula>E = mc2</formula>
        <listBibl><biblStruct><title>Biblio dans le corps</title></biblStruct></listBibl>
      </div>
      <div type="references"><p>Référence glissée dans le corps.</p></div>
      <note place="foot" n="1">Note de bas de page.</note>
    </body>
    <back>
      <div type="references"><listBibl><biblStruct><analytic><title>Référence bibliographique</title></analytic></biblStruct></listBibl></div>
    </back>
  </text>
</TEI>
"""

ISTEX = """<?xml version="1.0" encoding="UTF-8"?>
<tei:TEI xmlns:tei="http://www.tei-c.org/ns/1.0">
  <tei:teiHeader><tei:fileDesc>
    <tei:titleStmt><tei:title>Article ISTEX</tei:title></tei:titleStmt>
    <tei:publicationStmt>
      <tei:availability><tei:licence>CC BY 4.0</tei:licence></tei:availability>
      <tei:idno type="DOI">https://doi.org/10.1016/j.x.2010.01.001</tei:idno>
      <tei:idno type="url">https://api.istex.fr/ark:/67375/ABC</tei:idno>
    </tei:publicationStmt>
  </tei:fileDesc></tei:teiHeader>
  <tei:text>
    <tei:front><tei:div type="abstract"><tei:p>Résumé ISTEX.</tei:p></tei:div></tei:front>
    <tei:body><tei:div><tei:p>Corps ISTEX.</tei:p></tei:div></tei:body>
    <tei:back><tei:div type="bibliography"><tei:listBibl><tei:bibl>Biblio ISTEX</tei:bibl></tei:listBibl></tei:div></tei:back>
  </tei:text>
</tei:TEI>
"""

PLAIN = """<TEI><teiHeader><fileDesc><titleStmt><title>Sans espace de noms</title></titleStmt></fileDesc></teiHeader>
<text><body><p>Première<lb/>ligne   et
suite.</p><list><item>Un</item><item>Deux</item></list></body></text></TEI>
"""

LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<TEI><text><body><p>Fièvre été.</p></body></text></TEI>\n'


def make_reader(tmp_path: Path, out: str = "out", **options) -> TeiReader:
    """A TEI reader over ``tmp_path/src`` as the engine builds it."""
    manifest = Manifest(
        name="hal", title="HAL", license=MANIFEST_LICENSE, redistribution=True, derivatives=True,
        commercial=False, attribution="HAL", per_document_license=True,
    )
    source = ResolvedSource(
        name="hal", manifest=manifest, manifest_path="hal.yaml", route="extraction",
        root=str(tmp_path / "src"), reader=TeiReaderConfig(path=str(tmp_path / "src"), **options),
    )
    return TeiReader(source, RunContext(out_dir=str(tmp_path / out)))


def write(tmp_path: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = tmp_path / "src" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def run(reader: TeiReader, rank: int = 0, world_size: int = 1) -> dict:
    return {doc.id: doc for doc in reader.run(None, rank=rank, world_size=world_size)}


def total(reader: TeiReader, key: str) -> int:
    return reader.stats[key].total


def test_grobid_text_metadata_and_no_bibliography(tmp_path: Path) -> None:
    write(tmp_path, {"grobid.xml": GROBID})
    docs = run(make_reader(tmp_path))
    doc = docs["hal/grobid.xml"]
    assert doc.text == (
        "Le diabète de type 2 chez l'adulte\n\nRésumé du travail.\n\nIntroduction\n\n"
        "Le diabète touche [1] des millions de patients.\n\nMéthodes\n\nNous avons inclus 42 patients."
    )
    for absent in ("Référence", "Biblio", "Note", "Légende", "Tableau", "mc2"):
        assert absent not in doc.text
    meta = doc.metadata
    assert meta["title"] == "Le diabète de type 2 chez l'adulte"
    assert meta["authors"] == ["Marie C Curie", "Louis Pasteur"]
    assert meta["doi"] == "10.1234/abc.5678"
    assert meta["license"] == "CC-BY-4.0"
    assert meta["license_raw"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["source"] == "hal" and meta["source_id"] == "grobid.xml" and meta["source_path"] == "grobid.xml"
    assert meta["sha256"] == hashlib.sha256(GROBID.encode("utf-8")).hexdigest()


def test_figures_notes_formulas_when_configured(tmp_path: Path) -> None:
    write(tmp_path, {"grobid.xml": GROBID})
    reader = make_reader(tmp_path, include_figures=True, include_notes=True, include_formulas=True, include_title=False)
    doc = run(reader)["hal/grobid.xml"]
    assert doc.text.split("\n\n") == [
        "Résumé du travail.", "Introduction", "Le diabète touche [1] des millions de patients.", "Note cachée.",
        "Méthodes", "Nous avons inclus 42 patients.", "Figure 1", "Légende de la figure.", "Tableau 1", "Âge | 54",
        "E = mc2", "Note de bas de page.",
    ]
    assert "Référence" not in doc.text and "Biblio" not in doc.text


def test_istex_prefixed_and_plain_tei(tmp_path: Path) -> None:
    write(tmp_path, {"istex.xml": ISTEX, "sub/plain.xml": PLAIN, "latin1.xml": LATIN1.encode("latin-1")})
    docs = run(make_reader(tmp_path))
    istex = docs["hal/istex.xml"]
    assert istex.text == "Article ISTEX\n\nRésumé ISTEX.\n\nCorps ISTEX."
    assert istex.metadata["license"] == "CC-BY-4.0" and istex.metadata["license_raw"] == "CC BY 4.0"
    assert istex.metadata["doi"] == "10.1016/j.x.2010.01.001"
    assert istex.metadata["url"] == "https://api.istex.fr/ark:/67375/ABC"
    plain = docs["hal/sub/plain.xml"]
    assert plain.text == "Sans espace de noms\n\nPremière ligne et suite.\n\nUn\n\nDeux"
    assert plain.metadata["license"] == MANIFEST_LICENSE and "license_raw" not in plain.metadata
    assert docs["hal/latin1.xml"].text == "Fièvre été."


def test_failures_reasons_and_accounting(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")
    xxe = f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY s SYSTEM "file://{secret}">]>\n<TEI><text><body><p>&s;</p></body></text></TEI>'
    laughs = '<!DOCTYPE TEI [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]><TEI><text><body><p>&b;</p></body></text></TEI>'
    write(tmp_path, {
        "ok.xml": PLAIN,
        "xxe.xml": xxe,
        "laughs.xml": laughs,
        "malformed.xml": "<TEI>\n<text><body>\n  <p>oops</body></text></TEI>",
        "empty.xml": b"",
        "bad_utf8.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<TEI><text><body><p>caf\xe9</p></body></text></TEI>',
        "header_only.xml": "<TEI><teiHeader><fileDesc><titleStmt><title>Seul</title></titleStmt></fileDesc></teiHeader><text><body/></text></TEI>",
        "html.xml": "<html><body><p>pas du TEI</p></body></html>",
    })
    reader = make_reader(tmp_path)
    docs = run(reader)
    assert list(docs) == ["hal/ok.xml"]
    failed = {r["source_path"]: r for r in read_records(tmp_path / "out" / "failed")}
    reasons = {path: r["reason"] for path, r in failed.items()}
    assert reasons == {
        "xxe.xml": "xml_external_entity", "laughs.xml": "xml_external_entity", "malformed.xml": "xml_malformed",
        "empty.xml": "empty_file", "bad_utf8.xml": "invalid_utf8", "header_only.xml": "no_text", "html.xml": "no_text",
    }
    assert "xxe.xml" in failed["xxe.xml"]["message"] and "declares an XML entity" in failed["xxe.xml"]["message"]
    assert "line 3, column" in failed["malformed.xml"]["message"]
    assert failed["xxe.xml"]["id"] == "hal/xxe.xml" and failed["xxe.xml"]["step"] == "00_read_hal"
    assert total(reader, "in") == 8 and total(reader, "kept") == 1 and total(reader, "failed") == 7
    assert total(reader, "in") == total(reader, "kept") + total(reader, "failed")
    assert total(reader, "failed.xml_external_entity") == 2
    # the entity's target is never read: its content appears in no output
    assert all("TOPSECRET" not in d.text and "TOPSECRET" not in str(d.metadata) for d in docs.values())
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert b"TOPSECRET" not in path.read_bytes()


def test_sharding_reads_every_file_once(tmp_path: Path) -> None:
    files = {f"d{i}.xml": PLAIN.replace("Sans espace", f"Doc {i}") for i in range(5)}
    files["bad.xml"] = "<TEI"
    write(tmp_path, files)
    seen: list[str] = []
    inputs = 0
    for rank in (0, 1):
        reader = make_reader(tmp_path)
        seen.extend(run(reader, rank=rank, world_size=2))
        inputs += total(reader, "in")
    failed = [r["id"] for r in read_records(tmp_path / "out" / "failed")]
    assert sorted(seen + failed) == sorted(f"hal/{name}" for name in files)
    assert inputs == len(files)


@pytest.mark.parametrize("option", ["include_abstract", "include_figures", "include_notes"])
def test_config_fields_are_documented(option: str) -> None:
    assert TeiReaderConfig.model_fields[option].description
