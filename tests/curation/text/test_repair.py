"""Hyphenation, unwrapping, ligatures and mojibake."""

from __future__ import annotations

from curation.text.repair import fix_ligatures, fix_mojibake, join_hyphenation, unwrap, words_with_hyphens


def test_line_end_hyphens_are_joined():
    assert join_hyphenation("l’hyperten-\nsion artérielle") == "l’hypertension artérielle"
    assert join_hyphenation("carcinomes épi- dermoïdes") == "carcinomes épidermoïdes"


def test_real_compounds_and_coordinations_keep_their_hyphen():
    text = "zones photo-\nexposées, puis photo-exposées"
    assert join_hyphenation(text, words_with_hyphens(text)) == "zones photo-exposées, puis photo-exposées"
    assert join_hyphenation("pré- et post-opératoire") == "pré- et post-opératoire"
    assert join_hyphenation("anti-\nTNF et 10-\n12") == "anti-\nTNF et 10-\n12"


def test_unwrap_joins_lines_and_drops_debris():
    assert unwrap("  une phrase\ncoupée  en\n|\ndeux.\n.") == "une phrase coupée en deux."


def test_ligatures_and_mojibake():
    assert fix_ligatures("l’eﬃcacité ﬁnale") == "l’efficacité finale"
    assert fix_mojibake("le dÃ©pistage dâ€™urine") == "le dépistage d’urine"
    assert fix_mojibake("café « déjà » ≥ 3 µmol") == "café « déjà » ≥ 3 µmol"
