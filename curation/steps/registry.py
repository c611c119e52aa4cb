"""The catalogue of steps usable from a recipe: ``step: <name>`` picks the class and its config."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from curation.errors import ConfigError
from curation.steps.base import CurationStep

STEPS: dict[str, type[CurationStep]] = {}


def register(cls: type[CurationStep]) -> type[CurationStep]:
    """Class decorator: make a step usable from recipes under ``cls.name``."""
    tag = cls.Config.model_fields["step"].default
    if tag != cls.name:
        raise ConfigError(f"{cls.__name__}: Config.step default {tag!r} must equal the step name {cls.name!r}")
    if cls.name in STEPS and STEPS[cls.name] is not cls:
        raise ConfigError(f"step name {cls.name!r} registered twice ({STEPS[cls.name].__name__}, {cls.__name__})")
    STEPS[cls.name] = cls
    return cls


def step_spec():
    """The pydantic type of one entry of ``steps:`` — a union of every registered config, by ``step``."""
    configs = tuple(cls.Config for cls in STEPS.values())
    return Annotated[Union[configs], Field(discriminator="step")]  # noqa: UP007 - dynamic union
