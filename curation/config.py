"""Typed configuration: the strict base model, YAML loading, ``--set`` overrides, readable errors.

Every config is a pydantic model that rejects unknown keys and documents each field with a docstring
(``use_attribute_docstrings``). A wrong key is reported as::

    recipes/curation/x.yaml: steps[3].min_word: unknown field — did you mean 'min_words'?
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from curation.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every config model: unknown keys are errors; field docstrings become descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, populate_by_name=True)


# --- YAML ---------------------------------------------------------------------------------------


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file with ``safe_load``; a syntax error names the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found — check the path") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start}) — save it as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem} — fix the syntax at that line") from None


def apply_overrides(data: dict, overrides: list[str], where: str = "--set") -> dict:
    """Apply ``key.sub=value`` overrides (values parsed as YAML; list items by index: ``steps.1.x=3``)."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError(f"{where} {item!r}: expected KEY=VALUE, e.g. --set executor.tasks=4")
        key, raw = item.split("=", 1)
        parts = [p for p in key.strip().split(".") if p]
        if not parts:
            raise ConfigError(f"{where} {item!r}: empty key")
        value = yaml.safe_load(raw) if raw.strip() else None
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            node = _descend(node, part, parts[: i + 1], item, where)
        last = parts[-1]
        if isinstance(node, list):
            index = _index(node, last, item, where)
            node[index] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ConfigError(f"{where} {item!r}: {'.'.join(parts[:-1])} is not a mapping or a list")
    return data


def _index(node: list, part: str, item: str, where: str) -> int:
    try:
        index = int(part)
        node[index]
    except (ValueError, IndexError):
        raise ConfigError(f"{where} {item!r}: {part!r} is not a valid index (the list has {len(node)} items)") from None
    return index


def _descend(node: Any, part: str, path: list[str], item: str, where: str) -> Any:
    if isinstance(node, list):
        return node[_index(node, part, item, where)]
    if isinstance(node, dict):
        if node.get(part) is None:
            node[part] = {}
        return node[part]
    raise ConfigError(f"{where} {item!r}: {'.'.join(path[:-1])} is not a mapping or a list")


# --- validation errors ----------------------------------------------------------------------------


def validate(model: type[M], data: Any, where: str) -> M:
    """Validate ``data`` against ``model``; a failure becomes one ``ConfigError`` per problem, readable."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of keys to values, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, model, where)) from None


def format_validation_error(exc: ValidationError, model: type[BaseModel], where: str) -> str:
    """One line per problem: ``file: path.to[2].key: message — hint``."""
    lines = []
    for err in exc.errors():
        loc = _clean_loc(model, err["loc"])
        path = _render_loc(loc)
        if err["type"] == "extra_forbidden":
            parent = _parent_model(model, err["loc"])
            valid = sorted(_field_names(parent)) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(valid)}"
            lines.append(f"{where}: {path}: unknown field — {hint}")
        elif err["type"] == "missing":
            lines.append(f"{where}: {path}: required field missing — add it")
        elif err["type"] == "union_tag_invalid":
            ctx = err.get("ctx", {})
            lines.append(f"{where}: {path}: unknown kind {ctx.get('tag')!r} — expected one of {ctx.get('expected_tags')}")
        else:
            lines.append(f"{where}: {path}: {err['msg']} (got {err.get('input')!r})")
    return "\n".join(lines)


def _render_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _unwrap(tp: Any) -> list[Any]:
    """The concrete candidates of an annotation (Optional/Union/Annotated unwrapped)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(tp):
            out.extend(_unwrap(arg))
        return out
    return [tp]


def _field_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
    return names


def _tag_of(model: type[BaseModel]) -> str | None:
    for key in ("step", "kind", "format"):
        field = model.model_fields.get(key)
        if field is not None and typing.get_origin(field.annotation) is typing.Literal:
            return typing.get_args(field.annotation)[0]
    return None


def _walk(model: type[BaseModel], loc: tuple) -> tuple[tuple, list[Any]]:
    """Follow a pydantic error location through the model tree.

    Returns the location without the discriminator tags pydantic inserts (``steps.3.length_filter.x``
    becomes ``steps.3.x``) and the candidate types found at its end (narrowed by those tags).
    """
    out: list[Any] = []
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for cand in candidates:
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                by_alias = {f.alias or n: f for n, f in cand.model_fields.items()}
                if part in by_alias:
                    nxt.extend(_unwrap(by_alias[part].annotation))
            elif typing.get_origin(cand) in (list, tuple, set) and isinstance(part, int):
                nxt.extend(_unwrap(typing.get_args(cand)[0]))
            elif typing.get_origin(cand) is dict:
                nxt.extend(_unwrap(typing.get_args(cand)[1]))
        if not nxt:
            tagged = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel) and _tag_of(c) == part]
            if tagged:
                candidates = tagged
                continue
        out.append(part)
        candidates = nxt
    return tuple(out), candidates


def _clean_loc(model: type[BaseModel], loc: tuple) -> tuple:
    return _walk(model, loc)[0]


def _parent_model(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class holding the last key of the raw location ``loc``, or None."""
    models = [c for c in _walk(model, loc[:-1])[1] if isinstance(c, type) and issubclass(c, BaseModel)]
    return models[0] if len(models) == 1 else None


def load_model(model: type[M], path: str | Path, overrides: list[str] | None = None) -> M:
    """Read a YAML file, apply overrides and validate it against ``model``."""
    data = read_yaml(path)
    if overrides:
        data = apply_overrides(data if isinstance(data, dict) else {}, overrides)
    return validate(model, data, str(path))
