"""Mixing finished runs into a training corpus: ``biomedfr mix`` and ``biomedfr ablations``.

``biomedfr mix [CONFIG.yaml] --run RUN... --out DIR [--set key=value]`` reads the ``curated/`` shards of
finished runs and decides, for every document, how many copies the training corpus holds, so that each
group of sources fills its share of a token budget (default: the biomed-fr-v2 mix of the
ModernCamemBERT-bio paper, Table 2 — articles 70 %, ontology textbooks 20 %, EMEA 6 %, E3C 4 % of 10 B
tokens, counted after quality upsampling). Semantics: ``curation.mix.mixer``; config:
``curation.mix.config`` (``recipes/mix/biomed-fr-v2.yaml``). ``biomedfr ablations RUN... --out DIR`` writes
the corpora of the paper's Table 1 the same way (``curation.mix.ablations``). Nothing is copied: the
output is a *mix manifest* that ``biomedfr pack`` reads.

The mix manifest
================

A folder holding two files (written to a temporary name then renamed; ``mix.json`` last, so a folder
with ``mix.json`` is complete):

``mix.parquet`` — one row per document in the mix, sorted by (group, source, id):

======================  =======  ===============================================================
column                  type     meaning
======================  =======  ===============================================================
``run``                 string   absolute path of the run folder; the document is in one of
                                 ``<run>/curated/*.parquet`` (the shards of ``curation.run.layout``)
``id``                  string   the document's id (unique in the manifest)
``source``              string   the document's ``source`` metadata
``group``               string   mix group (``articles``...); for ablations, the content type
                                 (``untyped`` without one)
``tokens``              int64    tokens of ONE copy (the run's ``token_count``)
``repetitions``         int64    copies to write, >= 1 (documents with 0 copies are not listed)
======================  =======  ===============================================================

The document contributes ``tokens x repetitions`` tokens; the mix's size is the sum of that. The
Parquet schema metadata holds ``biomedfr.format`` (``biomedfr.mix/1``) and ``biomedfr.config_hash``.
The same runs, config and seed give a byte-identical ``mix.parquet``. To materialise the mix, ``pack``
scans each ``run``'s ``curated/`` shards once, keeps the listed ids (a set lookup) and emits each
document ``repetitions`` times, shuffling copies across the corpus as it packs.
``curation.mix.manifest.read_manifest(folder)`` returns the rows and checks the format.

``mix.json`` — the report: ``format``, ``kind`` (``mix`` or ``ablation``), the resolved ``config`` and
its ``config_hash``, ``runs`` (path, name and config hash from each ``run.json``), ``totals``
(budget, achieved tokens, documents read and kept), ``groups`` (per group: sources, share, documents,
unique and available tokens after upsampling, target, ``extra_factor`` = passes over its data, documents
kept, achieved tokens and share, warnings), ``sources`` (the same per source), ``unassigned_sources``
(sources of the runs in no group, left out) and ``warnings``. An ablation corpus's ``mix.json`` has the
same ``config``/``runs``/``totals``/``groups``/``sources`` keys plus ``variant``, ``family`` and
``description``; ``<out>/ablations.json`` summarises them (per-type tokens before and after balancing).
"""

from curation.mix.config import AblationConfig, MixConfig, MixGroup
from curation.mix.manifest import FORMAT, MANIFEST_COLUMNS, ManifestRow, read_manifest

__all__ = ["FORMAT", "MANIFEST_COLUMNS", "AblationConfig", "ManifestRow", "MixConfig", "MixGroup", "read_manifest"]
