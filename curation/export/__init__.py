"""``biomedfr export``: what a license policy lets out of a run or a mix, with attribution and proof.

- ``policy``: ``ExportPolicy`` and the shipped policies (``policies/open.yaml``, ``commercial.yaml``,
  ``research.yaml``), ``load_policy``;
- ``gate``: ``LicenseGate`` (one verdict per document, with its reason) and ``derivation`` (what makes a
  document derived);
- ``inputs``: run folders and mix folders, their sources and shards;
- ``exporter``: the export itself, resumable per shard (``export``);
- ``card``: ``ATTRIBUTION.md`` and the dataset card;
- ``verify``: ``verify_export`` (``biomedfr export --verify DIR``);
- ``cli``: the typer command.
"""

from curation.export.exporter import ExportResult, export
from curation.export.gate import LicenseGate, Verdict, derivation
from curation.export.policy import ExportPolicy, load_policy
from curation.export.verify import verify_export

__all__ = ["ExportPolicy", "ExportResult", "LicenseGate", "Verdict", "derivation", "export", "load_policy",
           "verify_export"]
