"""One entry point for every loader: files of a source -> a ``Terminology``.

``loader: {kind: rdf}`` (the ANS RDF/OWL files, ``ontology_books.rdf``) or ``loader: {kind: table, ...}``
(flat code tables, ``ontology_books.table``). A source may span several files (a release split in
parts): they are read in sorted order into one terminology.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from curation.config import StrictModel
from ontology_books.table import TableLoaderConfig, finish_table_hierarchy, load_table
from ontology_books.terminology import Terminology, TerminologyBuilder

__all__ = ["LoaderSpec", "RdfLoaderConfig", "load_terminology"]


class RdfLoaderConfig(StrictModel):
    """Read RDF/OWL files in the ANS shape (RDF/XML, Turtle or N-Triples, optionally gzipped)."""

    kind: Literal["rdf"] = "rdf"
    """Loader kind."""


LoaderSpec = Annotated[Union[RdfLoaderConfig, TableLoaderConfig], Field(discriminator="kind")]  # noqa: UP007
"""A source's ``loader:`` entry, chosen by ``kind``."""


def load_terminology(files: list[tuple[str, bytes]], kind: str, loader, title: str | None = None,
                     version: str | None = None, where: str = "") -> Terminology:
    """Load ``(name, bytes)`` files into one terminology of ``kind`` (``cim10``, ``ccam``, ``atc``, ``other``)."""
    builder = TerminologyBuilder(kind, title, version)
    if isinstance(loader, RdfLoaderConfig):
        from rdflib import Graph

        from ontology_books.rdf import load_rdf, parse_rdf

        graph = Graph()
        for name, data in sorted(files):
            parse_rdf(data, name, graph)
        load_rdf(graph, builder, where)
    else:
        skipped = 0
        for name, data in sorted(files):
            skipped += load_table(data, name, loader, builder)
        finish_table_hierarchy(builder, loader)
        builder.skipped_rows = skipped
    terminology = builder.build(where or ", ".join(name for name, _ in files))
    terminology.files = sorted(name for name, _ in files)
    terminology.load_counts = {"duplicates": builder.duplicates, "extra_parents": builder.extra_parents,
                               "skipped_rows": builder.skipped_rows}
    return terminology
