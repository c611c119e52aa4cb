"""Tests of license normalisation and the license terms table."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.licenses import LICENSES, LicenseTerms, is_unknown, normalize_license, slugify, terms_of

SPDX_LIKE = re.compile(r"^[A-Za-z0-9.+-]+$")

CASES = [
    # Creative Commons, short forms
    ("CC BY 4.0", "CC-BY-4.0"),
    ("CC-BY 4.0", "CC-BY-4.0"),
    ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
    ("cc_by_nc_4.0", "CC-BY-NC-4.0"),
    ("  CC  BY-NC-SA   3.0 ", "CC-BY-NC-SA-3.0"),
    ("CC BY-ND 4", "CC-BY-ND-4.0"),
    ("CC BY-NC-ND 3.0 IGO", "CC-BY-NC-ND-3.0-IGO"),
    ("CC BY-ND 3.0 IGO", "CC-BY-ND-3.0-IGO"),
    ("CC BY v2.0", "CC-BY-2.0"),
    ("CC BY", "LicenseRef-CC-BY"),
    ("Creative Commons", "LicenseRef-cc-unspecified"),
    # Creative Commons, long names (English and French)
    ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
    ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International", "CC-BY-NC-ND-4.0"),
    ("Attribution-ShareAlike 4.0 International", "CC-BY-SA-4.0"),
    (
        "Creative Commons Attribution - Pas d’Utilisation Commerciale - Pas de Modification 4.0 International",
        "CC-BY-NC-ND-4.0",
    ),
    ("Creative Commons Paternité - Partage dans les Mêmes Conditions 3.0", "CC-BY-SA-3.0"),
    # Creative Commons URLs
    ("https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0"),
    ("http://creativecommons.org/licenses/by/4.0/deed.fr", "CC-BY-4.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/3.0/igo/", "CC-BY-NC-SA-3.0-IGO"),
    ("http://creativecommons.org/licenses/by-nc-nd/", "LicenseRef-CC-BY-NC-ND"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
    # CC0 and public domain
    ("CC0", "CC0-1.0"),
    ("cc0 1.0 universal", "CC0-1.0"),
    ("public domain", "LicenseRef-public-domain"),
    ("Domaine public", "LicenseRef-public-domain"),
    ("http://hal.archives-ouvertes.fr/licences/publicDomain/", "LicenseRef-public-domain"),
    # Licence Ouverte / etalab
    ("Licence Ouverte / Open Licence 2.0", "etalab-2.0"),
    ("Licence ouverte v2.0", "etalab-2.0"),
    ("etalab 2.0", "etalab-2.0"),
    ("ETALAB-2.0", "etalab-2.0"),
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "etalab-2.0"),
    ("Licence Ouverte 1.0", "LicenseRef-etalab-1.0"),
    # software licenses
    ("Apache 2.0", "Apache-2.0"),
    ("Apache License, Version 2.0", "Apache-2.0"),
    ("apache-2.0", "Apache-2.0"),
    ("MIT", "MIT"),
    ("The MIT License", "MIT"),
    ("mit license", "MIT"),
    # existing ids, case fixed
    ("cc-by-nc-nd-3.0-igo", "CC-BY-NC-ND-3.0-IGO"),
    ("gpl-3.0-or-later", "GPL-3.0-or-later"),
    ("licenseref-public-domain", "LicenseRef-public-domain"),
    ("LICENSEREF-istex", "LicenseRef-istex"),
    ("LicenseRef-my-terms", "LicenseRef-my-terms"),
    ("licenseref-Some Terms", "LicenseRef-Some-Terms"),
    # copyright, unknown, empty
    ("Tous droits réservés", "LicenseRef-all-rights-reserved"),
    ("Usage interne CHU uniquement", "LicenseRef-unknown-usage-interne-chu-uniquement"),
    ("CC BY 9.0", "LicenseRef-unknown-cc-by-9-0"),
    ("CC BY-ND-SA 4.0", "LicenseRef-unknown-cc-by-nd-sa-4-0"),
    ("", "LicenseRef-unknown"),
    ("   ", "LicenseRef-unknown"),
    ("???", "LicenseRef-unknown"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_normalize_license(raw: str, expected: str) -> None:
    assert normalize_license(raw) == expected


def test_unknown_slug_is_ascii_and_bounded() -> None:
    out = normalize_license("Réservé à l'usage exclusif des établissements " * 5)
    assert out.startswith("LicenseRef-unknown-")
    slug = out.removeprefix("LicenseRef-unknown-")
    assert re.fullmatch(r"[a-z0-9-]+", slug)
    assert len(slug) <= 60 and not slug.endswith("-")
    assert slug.startswith("reserve-a-l-usage-exclusif")


def test_slugify() -> None:
    assert slugify("Éà ç--ÔÙ  x") == "ea-c-ou-x"
    assert slugify("!!!") == ""


@pytest.mark.parametrize(
    ("spdx", "unknown"),
    [
        ("LicenseRef-unknown", True),
        ("LicenseRef-unknown-usage-interne", True),
        ("licenseref-UNKNOWN-x", True),
        ("LicenseRef-unknownish", False),
        ("CC-BY-4.0", False),
        ("LicenseRef-istex", False),
    ],
)
def test_is_unknown(spdx: str, unknown: bool) -> None:
    assert is_unknown(spdx) is unknown


REQUIRED = [
    "CC0-1.0",
    *(f"CC-BY-{v}" for v in ("2.0", "3.0", "4.0")),
    *(f"CC-BY-{variant}-{v}" for variant in ("SA", "NC", "NC-SA", "ND", "NC-ND") for v in ("3.0", "4.0")),
    "CC-BY-3.0-IGO",
    "CC-BY-SA-3.0-IGO",
    "CC-BY-NC-3.0-IGO",
    "CC-BY-NC-SA-3.0-IGO",
    "CC-BY-ND-3.0-IGO",
    "CC-BY-NC-ND-3.0-IGO",
    "etalab-2.0",
    "Apache-2.0",
    "MIT",
    "LicenseRef-public-domain",
]


@pytest.mark.parametrize("spdx", REQUIRED)
def test_table_has_required_licenses(spdx: str) -> None:
    terms = LICENSES[spdx]
    assert terms.spdx == spdx
    assert normalize_license(spdx) == spdx


def test_table_keys_are_normalised_ids() -> None:
    for spdx, terms in LICENSES.items():
        assert normalize_license(spdx) == spdx
        assert terms.spdx == spdx
        assert not is_unknown(spdx)


def test_terms_are_consistent() -> None:
    for terms in LICENSES.values():
        if terms.share_alike:
            assert terms.derivatives, terms
        if "-NC" in terms.spdx:
            assert not terms.commercial, terms
        if "-ND" in terms.spdx:
            assert not terms.derivatives, terms
        if "-SA" in terms.spdx:
            assert terms.share_alike, terms


@pytest.mark.parametrize(
    ("spdx", "expected"),
    [
        ("CC0-1.0", LicenseTerms("CC0-1.0", True, True, True, False, False)),
        ("CC-BY-4.0", LicenseTerms("CC-BY-4.0", True, True, True, False, True)),
        ("CC-BY-SA-4.0", LicenseTerms("CC-BY-SA-4.0", True, True, True, True, True)),
        ("CC-BY-NC-4.0", LicenseTerms("CC-BY-NC-4.0", True, True, False, False, True)),
        ("CC-BY-NC-ND-3.0-IGO", LicenseTerms("CC-BY-NC-ND-3.0-IGO", True, False, False, False, True)),
        ("CC-BY-ND-3.0-IGO", LicenseTerms("CC-BY-ND-3.0-IGO", True, False, True, False, True)),
        ("etalab-2.0", LicenseTerms("etalab-2.0", True, True, True, False, True)),
        ("LicenseRef-public-domain", LicenseTerms("LicenseRef-public-domain", True, True, True, False, False)),
        ("LicenseRef-istex", LicenseTerms("LicenseRef-istex", False, False, False, False, True)),
    ],
)
def test_terms_of(spdx: str, expected: LicenseTerms) -> None:
    assert terms_of(spdx) == expected


def test_terms_of_normalises_and_misses() -> None:
    assert terms_of("CC BY 4.0") == LICENSES["CC-BY-4.0"]
    assert terms_of("Usage interne CHU uniquement") is None
    assert terms_of("GPL-3.0-only") is None


_PIECES = st.sampled_from(
    ["cc", "by", "nc", "nd", "sa", "zero", "0", "4.0", "3.0", "2", "v1.0", "igo", "mit", "apache", "etalab",
     "licence ouverte", "public", "domain", "LicenseRef-", "licenseref-unknown-", "creativecommons.org/licenses/",
     "publicdomain/zero/1.0", "é", "ß", "-", "_", " ", "/", ".", "'"]
)
_TEXT = st.one_of(
    st.text(),
    st.lists(_PIECES, max_size=8).map("".join),
    st.lists(_PIECES, max_size=8).map(" ".join),
    st.sampled_from([raw for raw, _ in CASES]),
)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_normalize_is_idempotent_and_spdx_like(raw: str) -> None:
    once = normalize_license(raw)
    assert SPDX_LIKE.match(once), (raw, once)
    assert normalize_license(once) == once, (raw, once)
