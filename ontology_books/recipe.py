"""An ontology-books recipe is a curation recipe whose sources are terminologies.

``biomedfr books RECIPE.yaml`` runs it with the curation engine (datatrove executors, resumable
tasks, ``excluded/`` and ``failed/`` with reasons, the accounting check): sources with
``reader: {format: terminology, ...}`` and, usually, the steps ``walk_length``, ``verbalize_walk``
and ``book_check`` with an ``llm:`` section. ``check_books_recipe`` says clearly when a recipe is not
one.
"""

from __future__ import annotations

from curation.errors import ConfigError
from ontology_books.reader import TerminologyReaderConfig

__all__ = ["BOOK_STEPS", "check_books_recipe"]

BOOK_STEPS = ("walk_length", "verbalize_walk", "book_check")
"""The steps of a books recipe, in order."""


def check_books_recipe(recipe):
    """The recipe, when every source is a terminology and it verbalises its walks; else ``ConfigError``."""
    for i, source in enumerate(recipe.sources):
        if not isinstance(source.reader, TerminologyReaderConfig):
            raise ConfigError(f"{recipe.path}: sources[{i}].reader.format is {source.reader.format!r} — "
                              "`biomedfr books` reads terminologies (format: terminology); run other sources "
                              "with `biomedfr curate`")
    steps = [s.step for s in recipe.steps]
    if "verbalize_walk" not in steps:
        raise ConfigError(f"{recipe.path}: no `verbalize_walk` step — a books recipe turns walks into prose: add "
                          f"steps {', '.join(BOOK_STEPS)} and an `llm:` section")
    if recipe.llm is None:
        raise ConfigError(f"{recipe.path}: `verbalize_walk` needs an `llm:` section (backend, model)")
    return recipe
