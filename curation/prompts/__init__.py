"""Versioned prompt files of the LLM steps.

A prompt is the text file ``<name>.v<N>.txt`` in this folder; its name without ``.txt``
(``extract_passages.v1``) is its version: it goes into every LLM cache key, so changing a prompt means
adding a new file (``.v2``), never editing a released one. A file has two sections, each opened by a
line of its own::

    === system ===
    instructions...
    === user ===
    ... {{text}} ...

``{{text}}`` in the user section is replaced by the input (a plain replacement, so JSON examples with
braces need no escaping). A recipe picks a prompt by name (``prompt: extract_passages.v1``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from curation.errors import ConfigError

__all__ = ["PLACEHOLDER", "Prompt", "available_prompts", "load_prompt"]

PLACEHOLDER = "{{text}}"
"""Where the input text goes in the user section."""
_SECTION = re.compile(r"^=== (system|user) ===[ \t]*$", re.MULTILINE)
_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v[0-9]+$")


@dataclass(frozen=True, slots=True)
class Prompt:
    """One loaded prompt: its version (the file name without ``.txt``), system text and user template."""

    version: str
    system: str
    user: str

    def messages(self, text: str) -> list[dict[str, str]]:
        """The chat messages for one input: the system text, then the user template filled with ``text``."""
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": self.user.replace(PLACEHOLDER, text)}]


def available_prompts() -> list[str]:
    """Names of the prompt files shipped in the package, sorted."""
    folder = resources.files(__name__)
    return sorted(p.name.removesuffix(".txt") for p in folder.iterdir() if p.name.endswith(".txt"))


@functools.cache
def load_prompt(name: str) -> Prompt:
    """The prompt ``name`` (e.g. ``extract_passages.v1``); ``ConfigError`` when unknown or malformed."""
    if not _NAME.match(name):
        raise ConfigError(f"prompt {name!r}: a prompt name is '<name>.v<N>' (e.g. 'extract_passages.v1'); "
                          f"available: {', '.join(available_prompts())}")
    source = resources.files(__name__) / f"{name}.txt"
    if not source.is_file():
        raise ConfigError(f"prompt {name!r} not found in curation/prompts/; available: "
                          f"{', '.join(available_prompts())}")
    text = source.read_text(encoding="utf-8")
    marks = list(_SECTION.finditer(text))
    if [m.group(1) for m in marks] != ["system", "user"]:
        raise ConfigError(f"curation/prompts/{name}.txt: needs a '=== system ===' line, then a '=== user ===' line")
    system = text[marks[0].end():marks[1].start()].strip()
    user = text[marks[1].end():].strip()
    if PLACEHOLDER not in user:
        raise ConfigError(f"curation/prompts/{name}.txt: the user section has no {PLACEHOLDER} placeholder")
    return Prompt(version=name, system=system, user=user)
