"""RDF and table loaders on the packaged fixtures (ANS shape, ATIH/CNAM/WHO tables) and on broken files."""

from __future__ import annotations

import gzip

import pytest

from curation.errors import ConfigError, TerminologyError
from ontology_books.fixtures import ATC_RDF, ATC_TABLE, CCAM_TABLE, CCAM_TTL, CIM10_RDF, CIM10_TABLE
from ontology_books.load import RdfLoaderConfig, load_terminology
from ontology_books.table import TableColumns, TableLoaderConfig
from ontology_books.walks import DEFAULT_TYPES, RELATIONS, WalkConfig, compile_graph, walks_from

ATIH = TableLoaderConfig(encoding="cp1252", delimiter="|", header=False, columns=TableColumns(code=0, label=4))
WHO_ATC = TableLoaderConfig(columns=TableColumns(code="atc_code", label="atc_name"), levels_by_length=[1, 3, 4, 5, 7])
CNAM = TableLoaderConfig(delimiter=";", hierarchy="parent",
                         columns=TableColumns(code="code", label="libelle", parent="parent", notes={"note": "note"}))


def rdf(path, kind):
    return load_terminology([(path.name, path.read_bytes())], kind, RdfLoaderConfig())


def table(path, kind, cfg, name=None):
    return load_terminology([(name or path.name, path.read_bytes())], kind, cfg)


@pytest.fixture(scope="module")
def cim10():
    return rdf(CIM10_RDF, "cim10")


def test_cim10_rdf_concepts_tree_notes_and_relations(cim10):
    assert cim10.version == "2025" and cim10.graph.number_of_nodes() == 174
    edges = cim10.edge_counts()
    assert edges["parent"] == edges["child"] == 163
    assert (edges["causality"], edges["manifestation"], edges["exclusion"]) == (22, 18, 38)
    assert "E11" in cim10.neighbours("N08.3", "causality")
    assert "N08.3" in cim10.neighbours("E11.2", "manifestation")
    e11 = cim10.concept("E11")
    assert e11["label"] == "Diabète sucré de type 2" and e11["chapter"] == "IV" and e11["level"] == 3
    assert cim10.parent("E11") == "E10-E14" and cim10.parent("E11.2") == "E11"
    notes = {kind for code in cim10.graph.nodes for kind in cim10.concept(code)["notes"]}
    assert notes == {"inclusion", "exclusion", "definition", "scope", "note"}
    assert sum(len(cim10.concept(c)["synonyms"]) for c in cim10.graph.nodes) == 41
    assert cim10.dangling == 0


def test_french_label_is_preferred_over_english():
    term = rdf(ATC_RDF, "atc")
    labels = [term.concept(c)["label"] for c in term.graph.nodes]
    assert "Metformine" in labels or "metformine" in labels
    assert all(label for label in labels)
    assert "Alimentary tract and metabolism" not in labels


def test_ccam_disjoint_acts_and_blank_node_restrictions_skipped():
    term = rdf(CCAM_TTL, "ccam")
    assert term.version == "v78.00" and term.graph.number_of_nodes() == 121
    assert term.edge_counts()["disjoint"] == 29
    assert all(not code.startswith(("N", "_")) or code.isalnum() for code in term.graph.nodes)
    assert not any("Restriction" in code or "activite" in code for code in term.graph.nodes)
    pair = next((u, v) for u, v, t in term.graph.edges(data="type") if t == "disjoint")
    assert pair[0] in term.neighbours(pair[1], "disjoint")  # symmetric


def test_atc_levels_come_from_dc_type():
    term = rdf(ATC_RDF, "atc")
    levels = {code: term.concept(code)["level"] for code in term.graph.nodes}
    assert levels["A"] == 1 and levels["A10"] == 2 and levels["A10B"] == 3 and levels["A10BA"] == 4
    assert levels["A10BA02"] == 5
    assert sorted(set(levels.values())) == [1, 2, 3, 4, 5]


def test_atih_table_cp1252_no_header_prefix_hierarchy():
    term = table(CIM10_TABLE, "cim10", ATIH)
    assert term.graph.number_of_nodes() == 131
    assert term.parent("E112") == "E11" and term.parent("E11") is None  # categories are roots of a flat table
    assert any("é" in term.concept(c)["label"] for c in term.graph.nodes)


def test_cim10_chapters_put_categories_under_their_chapter():
    term = table(CIM10_TABLE, "cim10", ATIH.model_copy(update={"chapters": "cim10"}))
    assert term.parent("E11") == "IV" and term.parent("N08") == "XIV" and term.parent("E112") == "E11"
    assert term.concept("IV")["label"] == "Maladies endocriniennes, nutritionnelles et métaboliques"
    assert term.summary()["roots"] == len({term.concept(c)["chapter"] for c in term.graph.nodes})
    graph = compile_graph(term)
    categories = [i for i, c in enumerate(graph.codes) if len(c) == 3]
    walked = [i for i in categories if walks_from(graph, i, WalkConfig(per_code=1))]
    assert len(walked) >= 0.9 * len(categories)  # a category alone in its chapter in this extract has no sibling


def test_header_names_match_despite_a_bom_or_case():
    data = "\ufeffCode;Libelle\nA;Voies digestives\nA10;Antidiabétiques\n".encode()
    term = load_terminology([("atc.csv", data)], "atc", TableLoaderConfig(columns=TableColumns(code="code", label="libelle")))
    assert term.parent("A10") == "A" and term.concept("A10")["label"] == "Antidiabétiques"


def test_atih_table_read_as_utf8_says_which_line_and_what_to_change():
    with pytest.raises(TerminologyError, match=r"cim10_pmsi.txt, line \d+: cannot decode byte .* try `encoding: cp1252`"):
        table(CIM10_TABLE, "cim10", ATIH.model_copy(update={"encoding": "utf-8"}))


def test_who_atc_table_gzip_duplicates_and_levels_by_length():
    term = table(ATC_TABLE, "atc", WHO_ATC)
    assert term.graph.number_of_nodes() == 148 and term.load_counts["duplicates"] == 172 - 148
    assert term.parent("A10BA02") == "A10BA" and term.parent("A10") == "A"
    assert term.concept("A10BA02")["level"] == 5 and term.concept("A")["level"] == 1


def test_cnam_table_parent_column_notes_and_sniffed_delimiter():
    term = table(CCAM_TABLE, "ccam", CNAM)
    sniffed = table(CCAM_TABLE, "ccam", CNAM.model_copy(update={"delimiter": None}))
    assert term.graph.number_of_nodes() == sniffed.graph.number_of_nodes() == 121
    assert term.summary()["roots"] == 6
    assert any(term.concept(c)["notes"].get("note") for c in term.graph.nodes)
    assert sorted(term.graph.edges(data="type")) == sorted(sniffed.graph.edges(data="type"))


def test_table_errors_name_the_column_or_option(tmp_path):
    with pytest.raises(TerminologyError, match=r"no column named 'code' \(code\); the header has: atc_code, atc_name.*fix `columns.code`"):
        table(ATC_TABLE, "atc", TableLoaderConfig())
    with pytest.raises(TerminologyError, match="is a name but the table has no header"):
        table(CIM10_TABLE, "cim10", ATIH.model_copy(update={"columns": TableColumns()}))
    with pytest.raises(TerminologyError, match="needs `columns.parent`"):
        table(CCAM_TABLE, "ccam", TableLoaderConfig(delimiter=";", hierarchy="parent"))
    with pytest.raises(TerminologyError, match="not a valid gzip"):
        load_terminology([("x.tsv.gz", b"not gzip")], "atc", WHO_ATC)
    data = gzip.compress(b"atc_code\tatc_name\nA\tVoies digestives\nA10\n")
    with pytest.raises(TerminologyError, match="line 3: 1 columns"):
        load_terminology([("short.tsv.gz", data)], "atc", WHO_ATC)
    with pytest.raises(ConfigError, match="parent 'ZZ'"):
        load_terminology([("p.csv", b"code;libelle;parent\nA;a;ZZ\n")], "other",
                         TableLoaderConfig(hierarchy="parent", columns=TableColumns(label="libelle", parent="parent")))


def test_malformed_and_unsafe_rdf():
    with pytest.raises(TerminologyError, match=r"bad\.ttl, line 3: malformed RDF"):
        load_terminology([("bad.ttl", b"@prefix a: <http://a#> .\na:b a:c a:d .\na:e a:f .\n")], "cim10", RdfLoaderConfig())
    broken = CIM10_RDF.read_bytes().replace(b"</rdf:RDF>", b"")
    with pytest.raises(TerminologyError, match=r"cim10\.rdf, line \d+: malformed RDF"):
        load_terminology([("cim10.rdf", broken)], "cim10", RdfLoaderConfig())
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description rdf:about="http://a">&x;</rdf:Description></rdf:RDF>')
    with pytest.raises(TerminologyError, match="external entity"):
        load_terminology([("x.rdf", xxe)], "cim10", RdfLoaderConfig())
    with pytest.raises(TerminologyError, match="unsupported RDF file extension '.jsonld'"):
        load_terminology([("x.jsonld", b"{}")], "cim10", RdfLoaderConfig())
    gz = load_terminology([("ccam.ttl.gz", gzip.compress(CCAM_TTL.read_bytes()))], "ccam", RdfLoaderConfig())
    assert gz.graph.number_of_nodes() == 121


def test_every_walk_type_and_relation_is_reachable_on_the_fixtures(cim10):
    seen_types, seen_rel = set(), set()
    for path, kind in ((CIM10_RDF, "cim10"), (CCAM_TTL, "ccam"), (ATC_RDF, "atc")):
        term = cim10 if kind == "cim10" else rdf(path, kind)
        graph = compile_graph(term)
        for node in range(len(graph.codes)):
            for walk in walks_from(graph, node, WalkConfig(per_code=20)):
                seen_types.add((kind, walk.walk_type))
                seen_rel.update(RELATIONS[r] for r in walk.relations)
    assert seen_types == {(k, t) for k in ("cim10", "ccam", "atc") for t in DEFAULT_TYPES[k]}
    assert seen_rel == set(RELATIONS)


def test_cross_chapter_walks_cross_chapters(cim10):
    graph = compile_graph(cim10)
    crossed = 0
    for node in range(len(graph.codes)):
        for walk in walks_from(graph, node, WalkConfig(per_code=20)):
            if walk.walk_type == "cross_chapter":
                crossed += len({graph.chapter[n] for n in walk.nodes}) > 1
    assert crossed > 0
