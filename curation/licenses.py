"""License identifiers: free text to SPDX ids, and the terms each license grants.

``normalize_license`` turns whatever a source writes in its license field ("CC BY 4.0", a
creativecommons.org URL, "Licence Ouverte v2.0", "domaine public"...) into an SPDX id, or a
``LicenseRef-*`` id for terms without one. Text it cannot recognise becomes
``LicenseRef-unknown-<slug>``: such a license is kept on the document, but never admitted by an export
policy. The function is idempotent and its result always matches ``^[A-Za-z0-9.+-]+$``.

``LICENSES`` gives, for each id an export policy may meet, what the license allows
(``terms_of(spdx)``). Versionless Creative Commons mentions ("CC BY") normalise to
``LicenseRef-CC-BY`` and friends: every version of one CC variant grants the same permissions, so they
have terms too, but they are not valid SPDX ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "ALL_RIGHTS_RESERVED",
    "CC_UNSPECIFIED",
    "LICENSES",
    "LicenseTerms",
    "PUBLIC_DOMAIN",
    "UNKNOWN",
    "is_unknown",
    "normalize_license",
    "slugify",
    "terms_of",
]

UNKNOWN = "LicenseRef-unknown"
"""The id given to an empty license field; unrecognised text gets ``LicenseRef-unknown-<slug>``."""

PUBLIC_DOMAIN = "LicenseRef-public-domain"
"""Works in the public domain (no SPDX id covers the status itself)."""

ALL_RIGHTS_RESERVED = "LicenseRef-all-rights-reserved"
"""Plain copyright, no license granted ("tous droits réservés")."""

CC_UNSPECIFIED = "LicenseRef-cc-unspecified"
""""A Creative Commons license" without the variant: only what every CC license grants."""

_SLUG_MAX = 60

# --- terms ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenseTerms:
    """What one license allows, as read by export policies."""

    spdx: str
    """The license id (SPDX or ``LicenseRef-*``)."""
    redistribution: bool
    """The work (or texts derived from it) may be redistributed."""
    derivatives: bool
    """Adapted works (extracted passages, generated textbooks) may be made and shared."""
    commercial: bool
    """Commercial use is allowed."""
    share_alike: bool
    """Derived works must be shared under the same license."""
    attribution_required: bool
    """The author and source must be credited."""


# Creative Commons variants: suffix -> (derivatives, commercial, share_alike).
_CC_VARIANTS: dict[str, tuple[bool, bool, bool]] = {
    "BY": (True, True, False),
    "BY-SA": (True, True, True),
    "BY-NC": (True, False, False),
    "BY-NC-SA": (True, False, True),
    "BY-ND": (False, True, False),
    "BY-NC-ND": (False, False, False),
}
_CC_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")
_CC_TABLE_VERSIONS = ("2.0", "3.0", "4.0")


def _cc_terms(spdx: str, variant: str) -> LicenseTerms:
    derivatives, commercial, share_alike = _CC_VARIANTS[variant]
    return LicenseTerms(spdx, True, derivatives, commercial, share_alike, attribution_required=True)


def _permissive(spdx: str, attribution: bool = True) -> LicenseTerms:
    return LicenseTerms(spdx, True, True, True, False, attribution_required=attribution)


def _restricted(spdx: str) -> LicenseTerms:
    """Terms that admit nothing: no redistribution, no derivatives, no commercial use."""
    return LicenseTerms(spdx, False, False, False, False, attribution_required=True)


def _build_table() -> dict[str, LicenseTerms]:
    table: dict[str, LicenseTerms] = {"CC0-1.0": _permissive("CC0-1.0", attribution=False)}
    for variant in _CC_VARIANTS:
        for version in _CC_TABLE_VERSIONS:
            spdx = f"CC-{variant}-{version}"
            table[spdx] = _cc_terms(spdx, variant)
        igo = f"CC-{variant}-3.0-IGO"
        table[igo] = _cc_terms(igo, variant)
        unversioned = f"LicenseRef-CC-{variant}"
        table[unversioned] = _cc_terms(unversioned, variant)
    for spdx in ("etalab-2.0", "LicenseRef-etalab-1.0", "Apache-2.0", "MIT"):
        table[spdx] = _permissive(spdx)
    table[PUBLIC_DOMAIN] = _permissive(PUBLIC_DOMAIN, attribution=False)
    # What every Creative Commons license grants (the intersection is CC BY-NC-ND).
    table[CC_UNSPECIFIED] = LicenseTerms(CC_UNSPECIFIED, True, False, False, False, True)
    # Plain copyright, and the terms of the project's own LicenseRef ids (see manifests/): nothing may leave.
    for spdx in (ALL_RIGHTS_RESERVED, "LicenseRef-hal-per-document", "LicenseRef-istex", "LicenseRef-nachos"):
        table[spdx] = _restricted(spdx)
    # EMA: "Reproduction is authorised provided the source is acknowledged" — copies may circulate,
    # adaptations and commercial use are not granted explicitly.
    table["LicenseRef-ema-reuse"] = LicenseTerms("LicenseRef-ema-reuse", True, False, False, False, True)
    return table


LICENSES: dict[str, LicenseTerms] = _build_table()
"""Terms of every license an export policy knows, by id."""


def terms_of(spdx: str) -> LicenseTerms | None:
    """The terms of a license id (normalised first), or None when the table does not know it."""
    return LICENSES.get(normalize_license(spdx))


def is_unknown(spdx: str) -> bool:
    """Whether an id is ``LicenseRef-unknown`` or ``LicenseRef-unknown-<slug>``."""
    low = spdx.strip().lower()
    return low == UNKNOWN.lower() or low.startswith(UNKNOWN.lower() + "-")


# --- known ids ----------------------------------------------------------------------------------------

_OTHER_SPDX = (
    "0BSD AFL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.0 Apache-1.1 Apache-2.0 Artistic-2.0 "
    "BSD-2-Clause BSD-3-Clause BSL-1.0 CC-PDDC CC0-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0 "
    "CDLA-Sharing-1.0 CECILL-2.1 CECILL-B CECILL-C EPL-2.0 etalab-2.0 EUPL-1.2 GFDL-1.3-only "
    "GFDL-1.3-or-later GPL-2.0-only GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later ISC LGPL-2.1-only "
    "LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later MIT MPL-2.0 ODbL-1.0 ODC-By-1.0 PDDL-1.0 "
    "Unlicense Zlib"
).split()


def _known_ids() -> dict[str, str]:
    ids = [*_OTHER_SPDX, *LICENSES, UNKNOWN]
    for variant in _CC_VARIANTS:
        ids += [f"CC-{variant}-{version}" for version in _CC_VERSIONS]
    return {i.lower(): i for i in ids}


_KNOWN: dict[str, str] = _known_ids()

# --- free text ----------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lowercase ASCII: accents stripped, ligatures expanded, other characters dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def slugify(text: str, max_len: int = _SLUG_MAX) -> str:
    """``[a-z0-9-]`` slug of ``text`` (accents stripped), at most ``max_len`` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")
    return slug[:max_len].rstrip("-")


def _license_ref(rest: str) -> str:
    """``LicenseRef-<rest>`` with the prefix's case fixed and ``rest`` reduced to SPDX characters."""
    clean = re.sub(r"[^A-Za-z0-9.+-]+", "-", unicodedata.normalize("NFKD", rest).encode("ascii", "ignore").decode())
    clean = re.sub(r"-{2,}", "-", clean).strip("-")
    if not clean:
        return UNKNOWN
    ref = f"LicenseRef-{clean}"
    if is_unknown(ref):
        return ref.lower().replace("licenseref-", "LicenseRef-", 1)
    return _KNOWN.get(ref.lower(), ref)


_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)(?:/(\d(?:\.\d)?)(?:/(igo))?)?")
_VERSION = re.compile(r"^v?(\d)(?:\.(\d))?$")
_SEPARATORS = re.compile(r"[\s_\-/,;:()\[\]\"'`|*!?&+=<>]+")

# Phrases replaced by the tokens the parser knows (applied on folded, space-separated text).
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"creative commons", "cc"),
    (r"cc ?zero|cc0", "cc zero"),
    (r"public domain( dedication| mark)?|domaine public", "publicdomain"),
    (r"non ?commercial|pas d ?utilisation commerciale", "nc"),
    (r"no ?derivatives?( works)?|no ?derivs|pas de modifications?", "nd"),
    (r"share ?alike|partage dans les memes conditions", "sa"),
    (r"attribution|paternite", "by"),
    (r"licen[cs]e ouverte|open licen[cs]e|etalab", "etalab"),
    (r"all rights reserved|tous droits reserves|copyright", "allrightsreserved"),
)
_NOISE = frozenset(
    "license licence licensed licenses licences under the la le les international unported generic version "
    "deed legalcode universal fr france spdx identifier".split()
)


def _tokens(folded: str) -> list[str]:
    """Words of folded license text, known phrases merged into single tokens, noise words dropped."""
    text = " ".join(t.strip(".") for t in _SEPARATORS.split(folded) if t.strip("."))
    for pattern, token in _PHRASES:
        text = re.sub(rf"\b(?:{pattern})\b", token, text)
    return [t for t in text.split() if t not in _NOISE]


def _version(tokens: list[str]) -> tuple[list[str], str | None, bool]:
    """Split version tokens out: (other tokens, version or None, whether there were several)."""
    rest, versions = [], []
    for token in tokens:
        match = _VERSION.match(token)
        if match:
            versions.append(f"{match.group(1)}.{match.group(2) or '0'}")
        else:
            rest.append(token)
    return rest, (versions[0] if versions else None), len(set(versions)) > 1


def _cc_id(parts: set[str], version: str | None, igo: bool) -> str | None:
    """SPDX id of a Creative Commons license from its elements (``by``, ``nc``...), or None."""
    if ("nd" in parts and "sa" in parts) or parts - {"by", "nc", "nd", "sa"}:
        return None
    variant = "-".join(p.upper() for p in ("by", "nc", "nd", "sa") if p in parts | {"by"})
    if version is None:
        return None if igo else f"LicenseRef-CC-{variant}"
    if version not in _CC_VERSIONS or (igo and version != "3.0"):
        return None
    return f"CC-{variant}-{version}" + ("-IGO" if igo else "")


_HAL_LICENCES = (("publicdomain", PUBLIC_DOMAIN), ("etalab", "etalab-2.0"), ("copyright", ALL_RIGHTS_RESERVED))


def _from_url(folded: str) -> str | None:
    """The id named by a license URL (creativecommons.org, etalab, HAL, apache.org, opensource.org)."""
    if "creativecommons.org" in folded:
        if "publicdomain/zero/1.0" in folded:
            return "CC0-1.0"
        if "publicdomain/mark" in folded:
            return PUBLIC_DOMAIN
        match = _CC_URL.search(folded)
        if match:
            _, version, _ = _version([match.group(2)] if match.group(2) else [])
            return _cc_id(set(match.group(1).split("-")), version, bool(match.group(3)))
    if "etalab.gouv.fr" in folded and "licence-ouverte" in folded:
        return "etalab-2.0"
    if "archives-ouvertes.fr/licences/" in folded:  # HAL's own licence URLs
        for key, spdx in _HAL_LICENCES:
            if f"/licences/{key}" in folded:
                return spdx
    if "apache.org/licenses/license-2.0" in folded:
        return "Apache-2.0"
    if "opensource.org/licenses/mit" in folded:
        return "MIT"
    return None


def _from_tokens(tokens: list[str]) -> str | None:
    """The id named by the words of a license name, or None when they name nothing known."""
    rest, version, several = _version(tokens)
    if several or not rest:
        return None
    words = set(rest)
    if words == {"publicdomain"}:
        return PUBLIC_DOMAIN
    if words == {"allrightsreserved"} and version is None:
        return ALL_RIGHTS_RESERVED
    if words == {"cc"} and version is None:
        return CC_UNSPECIFIED
    if "zero" in words and words <= {"cc", "zero", "publicdomain"}:
        return "CC0-1.0" if version in (None, "1.0") else None
    if words == {"etalab"}:
        return {None: "etalab-2.0", "2.0": "etalab-2.0", "1.0": "LicenseRef-etalab-1.0"}.get(version)
    if words == {"apache"}:
        return {None: "Apache-2.0", "2.0": "Apache-2.0", "1.1": "Apache-1.1", "1.0": "Apache-1.0"}.get(version)
    if words in ({"mit"}, {"expat"}) and version is None:
        return "MIT"
    cc_words = {"cc", "by", "nc", "nd", "sa", "igo"}
    if words <= cc_words and ("cc" in words and len(words) > 1 or "by" in words and version is not None):
        return _cc_id(words - {"cc", "igo"}, version, "igo" in words)
    return None


def normalize_license(raw: str) -> str:
    """Normalise free license text to an SPDX id (``LicenseRef-*`` when SPDX has none).

    Known SPDX ids and ``LicenseRef-*`` ids come back as is, with their case fixed; unrecognised text
    becomes ``LicenseRef-unknown-<slug>``; empty text becomes ``LicenseRef-unknown``.
    """
    text = (raw or "").strip()
    if not text:
        return UNKNOWN
    known = _KNOWN.get(text.lower())
    if known:
        return known
    if text.lower().startswith("licenseref-"):
        return _license_ref(text[len("licenseref-") :])
    folded = _fold(text).strip()
    found = _from_url(folded) or _from_tokens(_tokens(folded))
    if found:
        return found
    slug = slugify(text)
    return f"{UNKNOWN}-{slug}" if slug else UNKNOWN
