"""The project's error tree. The class says what the runner does with it.

- ``BiomedfrError``: base of everything below.
  - ``ConfigError``: a recipe, manifest or option is wrong. Stops the run before any work.
    - ``TerminologyError``: a terminology file (RDF, code table) cannot be loaded; names the file and line.
  - ``LicenseError``: a source has no usable license. Stops the run at start.
  - ``MissingDependencyError``: an optional package is missing; the message names the extra to install.
  - ``AccountingError``: kept + excluded + failed != input for some step. Stops the run loudly at the end.
  - ``DocumentError``: one input document is bad (corrupt PDF, invalid UTF-8, malformed XML, OCR
    unavailable...). Never stops a run: the document goes to ``failed/`` with ``reason`` and the message.
    - ``RetryableError``: a transient failure (timeout, server down); retried by the component that raised
      it, then recorded like any ``DocumentError``.

Every message says what went wrong, where, and how to fix it.
"""

from __future__ import annotations


class BiomedfrError(Exception):
    """Base class of all errors raised on purpose by biomedfr."""


class ConfigError(BiomedfrError):
    """A recipe, manifest, policy or command-line option is invalid. Stops the run."""


class TerminologyError(ConfigError):
    """A terminology file (RDF/OWL or code table) is malformed; the message names the file and the line."""


class LicenseError(BiomedfrError):
    """A source has no license, or a license that cannot be used. Stops the run at start."""


class MissingDependencyError(BiomedfrError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str, purpose: str):
        self.package, self.extra = package, extra
        super().__init__(
            f"{purpose} needs the package '{package}', which is not installed: "
            f"run `pip install 'biomedfr[{extra}]'`"
        )


class AccountingError(BiomedfrError):
    """A step lost or invented documents: kept + excluded + failed != input. Stops the run loudly."""


class DocumentError(BiomedfrError):
    """One document cannot be processed. It is recorded in ``failed/`` and the run goes on.

    ``reason`` is a stable snake_case code (``pdf_corrupt``, ``ocr_unavailable``...), used in stats.
    """

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


class RetryableError(DocumentError):
    """A transient failure (timeout, unavailable server). Retried, then recorded as a ``DocumentError``."""


def require(module: str, extra: str, purpose: str):
    """Import ``module`` or raise ``MissingDependencyError`` naming the extra that brings it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(module.split(".")[0], extra, purpose) from exc
