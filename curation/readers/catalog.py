"""Every input format a recipe source can use: ``reader: {format: <name>, ...}``."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from curation.readers.base import ReaderConfig, SourceReader
from curation.readers.pdf import PdfReader, PdfReaderConfig
from curation.readers.records import (
    JsonlReader,
    JsonlReaderConfig,
    JsonReader,
    JsonReaderConfig,
    ParquetReader,
    ParquetReaderConfig,
)
from curation.readers.run_shards import RunReader, RunReaderConfig
from curation.readers.tei import TeiReader, TeiReaderConfig
from ontology_books.reader import TerminologyReader, TerminologyReaderConfig

READERS: dict[type[ReaderConfig], type[SourceReader]] = {
    PdfReaderConfig: PdfReader,
    TeiReaderConfig: TeiReader,
    JsonlReaderConfig: JsonlReader,
    JsonReaderConfig: JsonReader,
    ParquetReaderConfig: ParquetReader,
    TerminologyReaderConfig: TerminologyReader,
    RunReaderConfig: RunReader,
}
"""Reader class of each reader config."""

ReaderSpec = Annotated[Union[tuple(READERS)], Field(discriminator="format")]  # noqa: UP007 - dynamic union
"""One source's ``reader:`` entry, chosen by ``format``."""


def reader_class(config: ReaderConfig) -> type[SourceReader]:
    """The reader class for a reader config."""
    return READERS[type(config)]
