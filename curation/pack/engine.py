"""Running ``pack``: resolve the plan, then the two datatrove passes (tokenize in N tasks, pack in one).

Resuming: a folder with ``index.json`` of the same settings is already packed (nothing runs); one of
other settings is refused. Without ``index.json``, complete parts (``work/parts/*.done.json``) are
skipped and the packing pass runs again from the parts (it is cheap next to tokenization). Parts
made with other tokenization settings (``work/tokenize.json``) are refused rather than mixed.

On Slurm the two passes are two job arrays, the second depending on the first; ``pack_corpus``
returns after submitting them (``finished`` False).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.errors import ConfigError
from curation.pack.config import PackConfig
from curation.pack.index import read_index, write_json
from curation.pack.merge import PackMerger
from curation.pack.plan import PackLayout, PackPlan, dtype_for
from curation.pack.source import resolve_source
from curation.pack.tokenize import PackTokenizer
from curation.pack.tokenizer import FastTokenizer, load_fast_tokenizer

__all__ = ["PackResult", "pack_corpus", "plan_pack"]


@dataclass
class PackResult:
    """What ``pack_corpus`` did."""

    out: Path
    """The pack folder."""
    finished: bool
    """False when the passes were submitted to a cluster and are still to run."""
    already_packed: bool
    """True when the folder already held this pack (nothing ran)."""
    index: dict[str, Any] | None
    """``index.json`` (None until finished)."""


def _separator(config: PackConfig, tok: FastTokenizer) -> int:
    ident = tok.identity
    if config.separator_id is not None:
        sep = config.separator_id
        if sep >= ident.vocab_size or tok.backend.id_to_token(sep) is None:
            raise ConfigError(
                f"--separator-id {sep}: not a token of {ident.describe()} — choose an id of the vocabulary "
                "(pack never adds a token to it)"
            )
        return sep
    if ident.eos_id is None:
        sep_token = tok.specials.get("sep_token")
        hint = f" (its sep_token {sep_token!r} is id {tok.special_id('sep_token')})" if sep_token else ""
        raise ConfigError(
            f"--tokenizer {ident.name_or_path}: declares no eos_token — give the separator with "
            f"--separator-id{hint}"
        )
    return ident.eos_id


def plan_pack(config: PackConfig) -> tuple[PackPlan, FastTokenizer]:
    """Resolve the source, the tokenizer and the ids; nothing is written."""
    source = resolve_source(config.source)
    tok = load_fast_tokenizer(config.tokenizer)
    separator = _separator(config, tok)
    pad = tok.special_id("pad_token")
    out = Path(config.out).resolve()
    plan = PackPlan(
        out=str(out),
        source=source,
        tokenizer=tok.identity,
        tokenizer_file=str(PackLayout(out).tokenizer / "tokenizer.json"),
        separator_id=separator,
        pad_id=separator if pad is None else pad,
        add_special_tokens=config.add_special_tokens,
        dtype=dtype_for(tok.identity.vocab_size).str,
        seq_len=config.seq_len,
        seed=config.seed,
        validation=config.validation,
        sequences_per_shard=config.sequences_per_shard,
        batch_size=config.batch_size,
    )
    return plan, tok


def _prepare(plan: PackPlan, tok: FastTokenizer) -> None:
    """Check or write ``work/tokenize.json``; copy the tokenizer files into the pack."""
    layout = plan.layout
    settings = {"tokenize_hash": plan.tokenize_hash(), **plan.tokenize_settings()}
    if layout.tokenize_json.is_file():
        previous = json.loads(layout.tokenize_json.read_text(encoding="utf-8"))
        if previous.get("tokenize_hash") != settings["tokenize_hash"]:
            raise ConfigError(
                f"{layout.work}: holds parts tokenized with other settings (source, tokenizer or separator) — "
                f"use another --out, or delete {layout.work} to start over"
            )
    else:
        write_json(layout.tokenize_json, settings)
    layout.tokenizer.mkdir(parents=True, exist_ok=True)
    for name, path in tok.files.items():
        tmp = layout.tokenizer / f"{name}.tmp"
        shutil.copyfile(path, tmp)
        tmp.replace(layout.tokenizer / name)


def pack_corpus(config: PackConfig, quiet: bool = True) -> PackResult:
    """Tokenize and pack ``config.source`` into ``config.out`` (or resume, or find it done)."""
    from curation.run.executors import make_executor

    plan, tok = plan_pack(config)
    layout = plan.layout
    if layout.index.is_file():
        index = read_index(layout.root)
        if index.get("settings_hash") != plan.settings_hash():
            raise ConfigError(
                f"{layout.root}: holds a pack of other settings (settings hash "
                f"{str(index.get('settings_hash'))[:12]} != {plan.settings_hash()[:12]}) — "
                "use another --out, or delete the folder to start over"
            )
        return PackResult(out=layout.root, finished=True, already_packed=True, index=index)
    _prepare(plan, tok)
    executor = config.executor
    tokenize = make_executor(executor, [PackTokenizer(plan)], str(layout.logs("tokenize")), quiet=quiet)
    tokenize.skip_completed = False  # parts track completion (a task count change must not skip parts)
    slurm = executor.kind == "slurm"
    merge = make_executor(executor, [PackMerger(plan)], str(layout.logs("pack")), quiet=quiet, tasks=1,
                          depends=tokenize if slurm else None)
    merge.skip_completed = False  # index.json tracks completion
    if slurm:
        merge.run()
        return PackResult(out=layout.root, finished=False, already_packed=False, index=None)
    tokenize.run()
    merge.run()
    return PackResult(out=layout.root, finished=True, already_packed=False, index=read_index(layout.root))
