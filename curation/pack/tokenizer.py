"""The tokenizer ``pack`` uses, and its identity (what a packed corpus records and a reader checks).

A pack needs an HF *fast* tokenizer: a ``tokenizer.json`` (the ``tokenizers`` library's format, what
``PreTrainedTokenizerFast.save_pretrained`` writes) plus, next to it, ``tokenizer_config.json`` /
``special_tokens_map.json`` for the names of the special tokens. It is loaded with ``tokenizers`` only:
importing ``transformers`` costs seconds in every task and adds nothing here, since the fast
tokenizer's encoding is the ``tokenizers`` one. Truncation and padding stored in ``tokenizer.json``
are switched off (a document is never cut by the tokenizer; packing cuts it).

Identity: the name or path as given, the vocabulary size (added tokens included, like
``len(tokenizer)`` in transformers), the sha256 of the vocabulary (canonical JSON of ``[[id, token],
...]`` sorted by id: two tokenizers with the same hash give the same ids the same meaning), the sha256
of the ``tokenizer.json`` bytes (informational: it also changes with normalisation or merges) and the
EOS token and id. Readers compare the vocabulary hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require

__all__ = ["FastTokenizer", "TokenizerIdentity", "identity_of", "load_fast_tokenizer", "vocab_sha256"]

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
"""Files of a tokenizer folder that ``pack`` reads (and copies into the pack)."""


def vocab_sha256(vocab: dict[str, int]) -> str:
    """sha256 of the canonical JSON of the vocabulary: ``[[id, token], ...]`` sorted by id then token."""
    items = sorted(((i, t) for t, i in vocab.items()))
    payload = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenizerIdentity:
    """What identifies a tokenizer in ``index.json`` (``tokenizer`` section, with the pack's ids)."""

    name_or_path: str
    """The tokenizer as given to ``pack`` (a local folder or ``tokenizer.json``)."""
    vocab_size: int
    """Vocabulary size, added tokens included (``len(tokenizer)`` in transformers)."""
    vocab_sha256: str
    """sha256 of the vocabulary (see ``vocab_sha256``): what readers compare."""
    tokenizer_json_sha256: str | None = None
    """sha256 of the ``tokenizer.json`` bytes (None for an in-memory tokenizer)."""
    eos_token: str | None = None
    """The EOS token, when the tokenizer declares one."""
    eos_id: int | None = None
    """Id of the EOS token."""

    def describe(self) -> str:
        """One line for messages: name, vocabulary size and the start of the vocabulary hash."""
        return f"{self.name_or_path!r} (vocabulary {self.vocab_size}, vocab sha256 {self.vocab_sha256[:12]})"

    def to_json(self) -> dict[str, Any]:
        """The identity as a JSON-able dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TokenizerIdentity:
        """Rebuild an identity from ``index.json``'s ``tokenizer`` section (extra keys ignored)."""
        names = cls.__dataclass_fields__.keys()
        try:
            return cls(**{k: data[k] for k in names if k in data})
        except TypeError as exc:
            raise ConfigError(f"tokenizer identity {data!r}: {exc} — expected name_or_path, vocab_size, vocab_sha256")


@dataclass
class FastTokenizer:
    """A loaded fast tokenizer: the ``tokenizers.Tokenizer``, its identity and its special tokens."""

    backend: Any
    """The ``tokenizers.Tokenizer`` (truncation and padding off)."""
    identity: TokenizerIdentity
    """Its identity."""
    specials: dict[str, str]
    """Special tokens by role (``eos_token``, ``pad_token``, ``sep_token``, ``bos_token``...), when declared."""
    files: dict[str, Path]
    """The files it was read from, by name (``tokenizer.json`` and the config files that exist)."""

    def special_id(self, role: str) -> int | None:
        """Id of the special token of ``role`` (``eos_token``...), or None."""
        token = self.specials.get(role)
        return None if token is None else self.backend.token_to_id(token)


def _token_content(value: Any) -> str | None:
    """A special token as written in a config: a string, or an AddedToken dict with ``content``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def _read_specials(folder: Path) -> dict[str, str]:
    specials: dict[str, str] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):  # the second one wins
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid JSON ({exc}) — re-save the tokenizer") from None
        for role in ("eos_token", "pad_token", "sep_token", "bos_token", "cls_token", "unk_token"):
            token = _token_content(data.get(role))
            if token is not None:
                specials[role] = token
    return specials


def load_fast_tokenizer(path: str | Path) -> FastTokenizer:
    """Load the fast tokenizer at ``path`` (a folder holding ``tokenizer.json``, or that file)."""
    tokenizers = require("tokenizers", "train", "biomedfr pack (HF fast tokenizers)")
    given = str(path)
    path = Path(path)
    file = path / "tokenizer.json" if path.is_dir() else path
    if not file.is_file():
        hint = (" — this looks like a slow (sentencepiece) tokenizer: convert it once with transformers: "
                "AutoTokenizer.from_pretrained(PATH).save_pretrained(NEW_PATH)") if path.is_dir() else ""
        raise ConfigError(f"--tokenizer {given}: no tokenizer.json found at {file}{hint}")
    raw = file.read_bytes()
    try:
        backend = tokenizers.Tokenizer.from_str(raw.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - tokenizers raises a bare Exception on a malformed file
        raise ConfigError(f"{file}: not a tokenizers fast-tokenizer file ({exc})") from None
    backend.no_truncation()
    backend.no_padding()
    folder = file.parent
    specials = _read_specials(folder)
    vocab = backend.get_vocab(with_added_tokens=True)
    eos = specials.get("eos_token")
    identity = TokenizerIdentity(
        name_or_path=given,
        vocab_size=max(backend.get_vocab_size(with_added_tokens=True), max(vocab.values(), default=-1) + 1),
        vocab_sha256=vocab_sha256(vocab),
        tokenizer_json_sha256=hashlib.sha256(raw).hexdigest(),
        eos_token=eos,
        eos_id=backend.token_to_id(eos) if eos is not None else None,
    )
    files = {name: folder / name for name in TOKENIZER_FILES if (folder / name).is_file()}
    files["tokenizer.json"] = file
    return FastTokenizer(backend=backend, identity=identity, specials=specials, files=files)


def identity_of(tokenizer: Any) -> TokenizerIdentity:
    """The identity of what a training recipe expects: a path, an identity (or its dict), a
    ``tokenizers.Tokenizer`` or a transformers fast tokenizer (anything with ``backend_tokenizer``)."""
    if isinstance(tokenizer, TokenizerIdentity):
        return tokenizer
    if isinstance(tokenizer, dict):
        return TokenizerIdentity.from_json(tokenizer)
    if isinstance(tokenizer, (str, Path)):
        return load_fast_tokenizer(tokenizer).identity
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    if not hasattr(backend, "get_vocab"):
        raise ConfigError(
            f"expected_tokenizer: {type(tokenizer).__name__} is not a tokenizer — give a tokenizer folder, "
            "a tokenizers.Tokenizer or a transformers fast tokenizer"
        )
    vocab = backend.get_vocab(with_added_tokens=True)
    eos = getattr(tokenizer, "eos_token", None)
    return TokenizerIdentity(
        name_or_path=str(getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__),
        vocab_size=max(backend.get_vocab_size(with_added_tokens=True), max(vocab.values(), default=-1) + 1),
        vocab_sha256=vocab_sha256(vocab),
        eos_token=eos if isinstance(eos, str) else None,
        eos_id=getattr(tokenizer, "eos_token_id", None),
    )
