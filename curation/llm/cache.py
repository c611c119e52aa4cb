"""A disk cache of valid LLM answers, safe against kill -9, shared across output folders.

One JSON file per entry at ``<dir>/ab/cd/<sha256>.json``. The key is the sha256 of the canonical JSON of
(model id, prompt version, messages, images' sha256, sampling parameters, output JSON schema). An entry is
written to a temporary file in its final folder, fsync'd, then moved in place with ``os.replace``: a
reader sees either no entry or a complete one. An entry that cannot be read or parsed (disk trouble,
foreign file) is a miss and is removed. Only valid answers are stored (the client decides).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from curation.llm.types import LLMRequest, SamplingParams

TMP_PREFIX = ".tmp-"
"""Prefix of in-progress files; a leftover one (after kill -9) is never read as an entry."""


@functools.lru_cache(maxsize=256)
def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a pydantic output model (computed once per class)."""
    return model.model_json_schema()


def cache_key(model_id: str, request: LLMRequest, sampling: SamplingParams) -> str:
    """The sha256 (hex) of the canonical JSON of everything that determines the model's answer."""
    payload = {
        "model": model_id,
        "prompt_version": request.prompt_version,
        "messages": request.messages,
        "images": [hashlib.sha256(img).hexdigest() for img in request.images],
        "sampling": sampling.as_dict(),
        "schema": output_schema(request.output_model),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class LLMCache:
    """The cache folder. ``get`` and ``put`` take a key from ``cache_key``; entries are JSON dicts."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory).expanduser()

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` lives: two levels of fan-out by the key's first four hex digits."""
        return self.directory / key[:2] / key[2:4] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry of ``key``, or None when absent, unreadable or corrupt (a corrupt entry is removed)."""
        path = self.path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self.discard(key)
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("raw"), str):
            self.discard(key)
            return None
        return entry

    def contains(self, key: str) -> bool:
        """True when a readable entry exists for ``key``."""
        return self.get(key) is not None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` (JSON-serialisable, must hold ``raw``) atomically under ``key``."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({**entry, "key": key}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)

    def discard(self, key: str) -> None:
        """Remove the entry of ``key`` if present."""
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError:
            pass

    def __len__(self) -> int:
        """Number of entries on disk (in-progress temporary files excluded)."""
        return sum(1 for p in self.directory.glob("??/??/*.json") if not p.name.startswith(TMP_PREFIX))


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable by syncing its folder (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
