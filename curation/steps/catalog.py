"""Imports every step module so that ``curation.steps.registry.STEPS`` is complete."""

from curation.steps import length  # noqa: F401
