"""Versioned prompt files of the evaluation (MedMistral appendix E) and their loader.

A prompt is ``<name>.v<N>.txt`` in this folder; its name without ``.txt`` (``mcq_multi.v1``) is its version,
recorded in ``results.json`` with the file's sha256 (and in the judge's LLM cache keys): changing a prompt
means adding a new file (``.v2``), never editing a released one. A config may also name a prompt file of its
own (a path); its version is then ``<file stem>@<first 12 hex of its sha256>``.

A file holds an optional ``=== system ===`` section and a ``=== user ===`` section, each a Jinja template
(sandboxed, undefined variables are errors, ``trim_blocks``/``lstrip_blocks``), like the paper's templates::

    === user ===
    Question : {{ question }}
    Choix :
    {% for letter, option in options.items() %}
    {{ letter }} : {{ option }}
    {% endfor %}
    Réponse :

Text before the first section may only be a Jinja comment ``{# ... #}`` (a header describing the prompt).
Variables: ``question``, ``options`` (letter -> text), ``letters``, ``n_options`` and ``n_options_fr``
(``quatre``, ``cinq``...), ``context`` (None when absent); the judge adds ``reference`` and ``answer``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require

__all__ = ["FRENCH_NUMBERS", "EvalPrompt", "available_prompts", "load_prompt"]

_SECTION = re.compile(r"^=== (system|user) ===[ \t]*$", re.MULTILINE)
_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v[0-9]+$")
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)

FRENCH_NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf", 10: "dix",
                  11: "onze", 12: "douze"}
"""Numbers of options in words, as Figure 6 writes them (« quatre/cinq choix de réponse »)."""


@dataclass(frozen=True)
class EvalPrompt:
    """A loaded prompt: version, sha256 of the file, and the Jinja sources of its sections."""

    version: str
    sha256: str
    user: str
    system: str | None = None
    source: str = ""
    """Where it was read from (for error messages)."""

    def render(self, **variables: Any) -> tuple[str | None, str]:
        """(system text or None, user text) for these variables; a missing variable is a ``ConfigError``."""
        return (self._render(self.system, "system", variables) if self.system is not None else None,
                self._render(self.user, "user", variables))

    def messages(self, **variables: Any) -> list[dict[str, str]]:
        """Chat messages: the system section (when there is one), then the user section."""
        system, user = self.render(**variables)
        return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]

    def _render(self, template: str, section: str, variables: dict[str, Any]) -> str:
        jinja2 = require("jinja2", "train", "evaluation prompts")
        try:
            return _environment().from_string(template).render(**variables).strip()
        except jinja2.TemplateError as exc:
            raise ConfigError(f"prompt {self.version} ({self.source}), {section} section: {exc} — the prompt may "
                              f"use {', '.join(sorted(variables))}") from None


@functools.cache
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                         keep_trailing_newline=False, autoescape=False)


def available_prompts() -> list[str]:
    """Names of the prompt files shipped in the package, sorted."""
    folder = resources.files(__name__)
    return sorted(p.name.removesuffix(".txt") for p in folder.iterdir() if p.name.endswith(".txt"))


@functools.cache
def load_prompt(name: str) -> EvalPrompt:
    """A shipped prompt by name (``mcq_multi.v1``) or a prompt file by path; ``ConfigError`` when unknown,
    malformed or not valid Jinja."""
    if _NAME.match(name):
        source = resources.files(__name__) / f"{name}.txt"
        if not source.is_file():
            raise ConfigError(f"prompt {name!r} is not shipped in decoder/evaluation/prompts/; available: "
                              f"{', '.join(available_prompts())} (or give a file path)")
        text, version, where = source.read_text(encoding="utf-8"), name, f"decoder/evaluation/prompts/{name}.txt"
    else:
        path = Path(name).expanduser()
        if not path.is_file():
            raise ConfigError(f"prompt {name!r}: neither a shipped prompt ({', '.join(available_prompts())}) nor a "
                              "file — give '<name>.v<N>' or the path of a prompt file")
        text = path.read_text(encoding="utf-8")
        version, where = f"{path.stem}@{hashlib.sha256(text.encode()).hexdigest()[:12]}", str(path)
    marks = list(_SECTION.finditer(text))
    kinds = [m.group(1) for m in marks]
    if kinds not in (["user"], ["system", "user"]):
        raise ConfigError(f"{where}: needs a '=== user ===' line (after an optional '=== system ===' line), each once")
    if _COMMENT.sub("", text[:marks[0].start()]).strip():
        raise ConfigError(f"{where}: only a Jinja comment {{# ... #}} may come before the first section line")
    sections = {kind: text[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))].strip("\n")
                for i, (kind, m) in enumerate(zip(kinds, marks))}
    jinja2 = require("jinja2", "train", "evaluation prompts")
    for kind, template in sections.items():
        try:
            _environment().parse(template)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"{where}, {kind} section, line {exc.lineno}: invalid Jinja: {exc.message}") from None
    return EvalPrompt(version=version, sha256=hashlib.sha256(text.encode()).hexdigest(), user=sections["user"],
                      system=sections.get("system"), source=where)
