"""Encoder pretraining throughput: our training step against the stock HF MLM step, and the paper's rate.

Both sides train THE SAME randomly initialised ``ModernBertForMaskedLM`` (same shape, same weights, same
micro-batches of packed sequences, ~20 documents per sequence) with AdamW, one optimizer step per micro-batch:

- baseline (HF ``run_mlm.py``-style): ``DataCollatorForLanguageModeling`` masking, ``attention_mask=None``
  so ModernBERT builds its own bidirectional masks — it ignores document boundaries;
- ours: ``encoder.data.model_inputs`` (document-aware mask dicts from ``encoder.attention``, position ids
  restarting per document, CLM labels or seeded MLM masking) then the same forward/backward/step, for the
  causal phase (``clm``) and the MLM phase (``mlm``).

Throughput is real tokens per second (wall clock): the three take turns on every batch and each one's
median per-batch rate after ``--warmup`` batches is kept. Ratio: ours / baseline, the price of
document-aware masks (target >= 0.9). On a CUDA device the default shape is
ModernCamemBERT base (hidden 768, 22 layers, 8 192 tokens, bf16) and the paper's rate is the other
baseline: 11 B tokens in 4 h on 4 H100 = ~191 k tokens/s per GPU; target >= 250 k (``vs_paper``).

    .venv/bin/python bench/encoder_throughput.py [--preset small|base] [--steps 6] [--attn sdpa|flex_attention]

prints a table and ONE JSON line: {"bench": "encoder_throughput", "device": ..., "baseline_tokens_per_s": ...,
"clm_tokens_per_s": ..., "mlm_tokens_per_s": ..., "ratio_clm": ..., "ratio_mlm": ..., "vs_paper": ...}.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAPER_TOKENS_PER_S_PER_GPU = 11e9 / (4 * 3600) / 4
"""ModernCamemBERT-bio Base: 10 B + 1 B tokens in 4 h on 4 x H100."""
TARGET_PER_GPU = 250_000
PRESETS = {
    "small": {"hidden_size": 256, "intermediate_size": 384, "num_hidden_layers": 6, "num_attention_heads": 4,
              "seq_len": 1024, "micro": 2, "vocab": 32768},
    "base": {"hidden_size": 768, "intermediate_size": 1152, "num_hidden_layers": 22, "num_attention_heads": 12,
             "seq_len": 8192, "micro": 8, "vocab": 32768},
}


def _tokenizer(folder: Path, vocab: int):
    """A word-level tokenizer of ``vocab`` ids with the specials MLM needs (no training, nothing downloaded)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    names = ["<pad>", "<unk>", "<s>", "</s>", "<mask>"] + [f"w{i}" for i in range(vocab - 5)]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(names)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
                                   eos_token="</s>", cls_token="<s>", sep_token="</s>", mask_token="<mask>")
    fast.save_pretrained(str(folder))
    return fast


def _batches(n: int, micro: int, seq_len: int, vocab: int, separator: int):
    """Packed micro-batches: documents of 50-800 tokens + separator, cut at sequence ends."""
    import numpy as np

    from curation.pack.reader import PackedBatch

    rng = np.random.default_rng(0)
    out = []
    for _ in range(n):
        ids = rng.integers(5, vocab, (micro, seq_len), dtype=np.int64)
        cus = []
        for row in range(micro):
            ends = np.cumsum(rng.integers(50, 800, 64))
            ends = ends[ends < seq_len]
            ids[row, ends - 1] = separator
            cus.append(np.concatenate([[0], ends, [seq_len]]).astype(np.int32))
        out.append(PackedBatch(ids, cus, np.full(micro, seq_len), np.arange(micro)))
    return out


def _interleaved(steps: dict, batches, warmup: int, sync) -> dict[str, float]:
    """Tokens/s of each step function, the functions taking turns on every batch (so that load on a shared
    machine hits them alike); the median of per-batch rates after ``warmup`` batches."""
    import statistics

    rates: dict[str, list[float]] = {name: [] for name in steps}
    for i, batch in enumerate(batches):
        for name, step in steps.items():
            sync()
            start = time.perf_counter()
            tokens = step(batch)
            sync()
            if i >= warmup:
                rates[name].append(tokens / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", choices=sorted(PRESETS), default=None)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--attn", default=None, help="sdpa (default on CPU) or flex_attention (default on CUDA)")
    args = parser.parse_args()

    import torch
    from rich.console import Console
    from rich.table import Table
    from transformers import DataCollatorForLanguageModeling, ModernBertConfig, ModernBertForMaskedLM

    from encoder.data import model_inputs

    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    preset = PRESETS[args.preset or ("base" if cuda else "small")]
    attn = args.attn or ("flex_attention" if cuda else "sdpa")
    dtype = torch.bfloat16 if cuda else torch.float32
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = _tokenizer(Path(tmp) / "tok", preset["vocab"])
    config = ModernBertConfig(vocab_size=preset["vocab"], hidden_size=preset["hidden_size"],
                              intermediate_size=preset["intermediate_size"],
                              num_hidden_layers=preset["num_hidden_layers"],
                              num_attention_heads=preset["num_attention_heads"], max_position_embeddings=8192,
                              pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3)
    batches = _batches(args.steps + args.warmup, preset["micro"], preset["seq_len"], preset["vocab"], 3)
    sync = torch.cuda.synchronize if cuda else (lambda: None)

    def fresh(impl):
        torch.manual_seed(0)
        model = ModernBertForMaskedLM._from_config(config, attn_implementation=impl).to(device)
        return model, torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-6)

    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15, return_tensors="pt")

    def stock_step(model, opt):
        def step(batch):
            ids = torch.as_tensor(batch.input_ids)
            inputs, labels = collator.torch_mask_tokens(ids.clone())
            with torch.autocast(device.type, dtype=dtype, enabled=cuda):
                loss = model(input_ids=inputs.to(device), labels=labels.to(device)).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            return int(ids.numel())
        return step

    def our_step(model, opt, objective):
        def step(batch):
            item = model_inputs(batch, objective, tokenizer, config.sliding_window, attn, device, 0.15,
                                [0, 0, 0, int(batch.indices[0]), 0, 0], dtype)
            with torch.autocast(device.type, dtype=dtype, enabled=cuda):
                loss = model(**item.kwargs).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            return item.real_tokens
        return step

    rates = _interleaved({"stock": stock_step(*fresh("sdpa")), "clm": our_step(*fresh(attn), "clm"),
                          "mlm": our_step(*fresh(attn), "mlm")}, batches, args.warmup, sync)
    baseline, clm, mlm = rates["stock"], rates["clm"], rates["mlm"]
    result = {
        "bench": "encoder_throughput", "device": torch.cuda.get_device_name() if cuda else "cpu",
        "threads": torch.get_num_threads(), "shape": preset, "attn": attn, "steps": args.steps,
        "baseline_tokens_per_s": round(baseline), "clm_tokens_per_s": round(clm), "mlm_tokens_per_s": round(mlm),
        "ratio_clm": round(clm / baseline, 3), "ratio_mlm": round(mlm / baseline, 3),
        "vs_paper": round(min(clm, mlm) / PAPER_TOKENS_PER_S_PER_GPU, 3) if cuda else None,
        "target_per_gpu_met": (min(clm, mlm) >= TARGET_PER_GPU) if cuda else None,
    }
    table = Table(title=f"Encoder training step, {result['device']} ({attn}), {preset['seq_len']} tokens x "
                        f"{preset['micro']}, {preset['num_hidden_layers']} layers x {preset['hidden_size']}")
    for column in ("step", "tokens/s", "vs stock HF MLM"):
        table.add_column(column, justify="left" if column == "step" else "right")
    table.add_row("stock HF MLM (no document boundaries)", f"{baseline:,.0f}", "1.00")
    table.add_row("ours, causal phase (documents, window)", f"{clm:,.0f}", f"{clm / baseline:.2f}")
    table.add_row("ours, MLM phase (documents, window)", f"{mlm:,.0f}", f"{mlm / baseline:.2f}")
    if cuda:
        table.add_row("paper (4 x H100, per GPU)", f"{PAPER_TOKENS_PER_S_PER_GPU:,.0f}", "")
    Console(stderr=True).print(table)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
