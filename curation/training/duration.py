"""Composer-style durations of the training recipes: ``"10000000000tok"``, ``"500ba"``, ``"2.8ep"``, ``"0.1dur"``.

``tok`` tokens (a step holds ``global batch x sequence length`` positions), ``ba`` optimizer steps,
``ep`` epochs of the training data, ``dur`` a share of the enclosing phase (encoder schedules).
Underscores are allowed in numbers (``10_000_000_000tok``); a bare integer is a number of tokens.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from curation.config import StrictModel
from curation.errors import ConfigError

__all__ = ["Duration", "check_duration", "parse_duration"]

UNITS = ("tok", "ba", "ep", "dur")
_DURATION = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*(tok|ba|ep|dur)\s*$")
_EXAMPLES = {"tok": "10000000000tok", "ba": "500ba", "ep": "2.8ep", "dur": "0.1dur"}


class Duration(StrictModel):
    """A parsed duration."""

    value: float
    """The number before the unit."""
    unit: Literal["tok", "ba", "ep", "dur"]
    """``tok`` tokens, ``ba`` optimizer steps, ``ep`` epochs, ``dur`` share of the enclosing phase."""

    def steps(self, tokens_per_step: int, steps_per_epoch: float | None = None, phase_steps: int | None = None) -> int:
        """The duration in optimizer steps: tokens and epochs rounded up to whole steps, shares rounded."""
        if self.unit == "ba":
            return int(self.value)
        if self.unit == "tok":
            return math.ceil(self.value / tokens_per_step)
        if self.unit == "ep":
            if steps_per_epoch is None:
                raise ConfigError(f"{self.value}ep: a duration in epochs needs the size of the data")
            return math.ceil(self.value * steps_per_epoch - 1e-9)
        if phase_steps is None:
            raise ConfigError(f"{self.value}dur is a share of a phase: use it inside a phase")
        return int(round(self.value * phase_steps))


def check_duration(text: str | int, allowed: tuple[str, ...] = UNITS) -> Duration:
    """Parse ``text``; a ``ValueError`` (for pydantic validators) when it is not a duration in ``allowed``."""
    if isinstance(text, int):
        text = f"{text}tok"
    match = _DURATION.match(str(text))
    if not match or match.group(2) not in allowed:
        examples = ", ".join(f"'{_EXAMPLES[u]}'" for u in allowed)
        raise ValueError(f"{text!r} is not a duration: write N followed by one of {', '.join(allowed)} (e.g. {examples})")
    value = float(match.group(1).replace("_", ""))
    if match.group(2) == "dur" and value > 1:
        raise ValueError(f"{text!r}: a share of the phase is at most 1dur")
    return Duration(value=value, unit=match.group(2))


def parse_duration(text: str | int, where: str, allowed: tuple[str, ...] = UNITS) -> Duration:
    """``check_duration`` with a ``ConfigError`` naming ``where``."""
    try:
        return check_duration(text, allowed)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
