"""Turning a model's text into a validated pydantic value, or a failure reason.

- The text is validated as it is; failing that, the first balanced JSON object or array in it (after a
  ```json fence or some leading words) is extracted and validated.
- An output that does not validate is classified: ``llm_repetition_loop`` when its end is a degenerate
  loop, ``llm_no_stop`` when the engine stopped at the token cap, ``llm_invalid_json`` otherwise.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

MIN_REPEATS = 8
"""A loop is a unit repeated at least this many times at the end of the text."""
MIN_LOOP_CHARS = 20
"""A character-level loop must cover at least ``MIN_REPEATS`` times this many characters."""
MAX_CHAR_PERIOD = 256
"""Longest repeated unit searched, in characters."""
MAX_TOKEN_PERIOD = 16
"""Longest repeated unit searched, in whitespace tokens."""
MIN_LOOP_TOKENS = 16
"""A token-level loop must cover at least this many tokens."""


def extract_json(text: str) -> str | None:
    """The first balanced JSON object or array in ``text`` (string-aware), or None."""
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def validate_output(text: str, model: type[BaseModel]) -> tuple[BaseModel | None, str]:
    """The validated value and "" , or None and a short message saying why the text does not validate."""
    try:
        return model.model_validate_json(text.strip()), ""
    except ValidationError as exc:
        first_error = exc
    candidate = extract_json(text)
    if candidate is not None and candidate != text.strip():
        try:
            return model.model_validate_json(candidate), ""
        except ValidationError as exc:
            first_error = exc
    errors = first_error.errors(include_url=False)
    detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in errors[:3])
    return None, f"output does not validate against {model.__name__}: {detail}"


def _periodic_tail(seq, period: int, limit: int) -> int:
    """Length of the longest suffix of ``seq`` (at most ``limit``) that has period ``period``."""
    n = len(seq)
    i = 0
    while i + period < min(n, limit) and seq[n - 1 - i] == seq[n - 1 - i - period]:
        i += 1
    return i + period if n >= period else 0


def is_repetition_loop(text: str) -> bool:
    """True when the text ends in a degenerate loop: a unit of characters (the same >= 20-character stretch
    at least 8 times) or of whitespace tokens (an n-gram, n <= 16, at least 8 times over >= 16 tokens)."""
    tail = text.rstrip()
    for period in range(1, MAX_CHAR_PERIOD + 1):
        need = MIN_REPEATS * max(period, MIN_LOOP_CHARS)
        if need > len(tail):
            break
        if _periodic_tail(tail, period, need) >= need:
            return True
    tokens = tail.split()
    for period in range(1, MAX_TOKEN_PERIOD + 1):
        need = max(MIN_REPEATS * period, MIN_LOOP_TOKENS)
        if need > len(tokens):
            break
        if _periodic_tail(tokens, period, need) >= need:
            return True
    return False


def classify(text: str, finish_reason: str | None, model: type[BaseModel]) -> tuple[BaseModel | None, str | None, str]:
    """(value, None, "") for a valid output, else (None, reason, message)."""
    value, message = validate_output(text, model)
    if value is not None:
        return value, None, ""
    if is_repetition_loop(text):
        return None, "llm_repetition_loop", f"output ends in a repetition loop; {message}"
    if finish_reason == "length":
        return None, "llm_no_stop", f"generation hit max_new_tokens before the end of the JSON; {message}"
    return None, "llm_invalid_json", message
