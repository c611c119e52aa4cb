"""Reading JSON Lines files of objects, with errors that name the file and the line.

Used wherever users hand the toolkit JSONL (evaluation tasks, instruction data, mixes): a blank line
is skipped, a UTF-8 BOM is accepted, and anything else that is not one JSON object per line stops
with a ``ConfigError`` saying ``path:line``, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curation.errors import ConfigError

__all__ = ["read_jsonl_objects"]


def read_jsonl_objects(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line of ``path``."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found — check the path") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot open ({exc.strerror})") from None
    with handle:
        line = 0
        try:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{path}:{line}: not valid JSON ({exc.msg} at column {exc.colno}) — "
                                      "write one JSON object per line") from None
                if not isinstance(record, dict):
                    raise ConfigError(f"{path}:{line}: expected a JSON object, got {type(record).__name__} — "
                                      "write one object per line")
                yield line, record
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}:{line + 1}: not valid UTF-8 ({exc.reason}) — save the file as UTF-8") from None
