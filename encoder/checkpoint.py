"""Checkpoints for exact resumption: accelerate's state (model, optimizer, RNG) plus the recipe's own.

``<out>/checkpoints/ba<global step>/`` holds what ``Accelerator.save_state`` writes and ``state.json``
(phase, steps, tokens, the data cursor, the log so far), written last: a folder without
``state.json`` is an interrupted save and is ignored (and removed by the next save). Re-running the same
command resumes from the newest complete checkpoint, like Composer's autoresume.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["TrainState", "latest_checkpoint", "load_checkpoint", "save_checkpoint"]

STATE = "state.json"


@dataclass
class TrainState:
    """Where a run is."""

    phase: int = 0
    """Index of the current phase."""
    phase_step: int = 0
    """Optimizer steps done in the current phase."""
    global_step: int = 0
    """Optimizer steps done in the run."""
    tokens: int = 0
    """Real (non-padding) tokens trained on, all processes."""
    phase_tokens: int = 0
    """Real tokens of the current phase."""
    stream: dict[str, int] = field(default_factory=dict)
    """Data cursor (the same on every process: each reads its own share of the same epoch order)."""
    history: list[dict[str, Any]] = field(default_factory=list)
    """Logged rows: phase, step, loss, lr, tokens (and eval_loss rows)."""
    config_hash: str = ""
    """Hash of the settings that change what is trained (a checkpoint of another config is refused)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainState:
        """Rebuild from ``state.json``."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _complete(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and p.name.startswith("ba") and (p / STATE).is_file()]
    return sorted(found, key=lambda p: int(p.name[2:]))


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The newest complete checkpoint under ``<out>/checkpoints``, or None."""
    found = _complete(Path(folder))
    return found[-1] if found else None


def save_checkpoint(accelerator: Any, folder: str | Path, state: TrainState, keep: int) -> Path:
    """Save the run's state as ``ba<step>`` and keep the ``keep`` newest checkpoints."""
    folder = Path(folder)
    target = folder / f"ba{state.global_step}"
    if accelerator.is_main_process and target.exists():
        shutil.rmtree(target)
    accelerator.wait_for_everyone()
    accelerator.save_state(str(target))
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        tmp = target / (STATE + ".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=1) + "\n", encoding="utf-8")
        tmp.replace(target / STATE)
        for old in _complete(folder)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
        for partial in folder.iterdir():
            if partial.is_dir() and not (partial / STATE).is_file() and partial != target:
                shutil.rmtree(partial, ignore_errors=True)
    accelerator.wait_for_everyone()
    return target


def load_checkpoint(accelerator: Any, checkpoint: str | Path) -> TrainState:
    """Restore model, optimizer and RNG states; return the recipe's state."""
    checkpoint = Path(checkpoint)
    accelerator.load_state(str(checkpoint))
    return TrainState.from_json(json.loads((checkpoint / STATE).read_text(encoding="utf-8")))
