"""The masks of both phases: no future-token leakage in the causal phase, no cross-document leakage,
the sliding window kept on the local layers, eager and sdpa in agreement."""

from __future__ import annotations

import pytest

from encoder.attention import attention_masks, document_ids

WINDOW = 4
"""Half window of the test model (local_attention 8)."""


@pytest.fixture(scope="module")
def models(torch_one_thread):
    """The same tiny random ModernBERT (global, local, local layers) under eager and under sdpa."""
    torch = torch_one_thread
    from transformers import ModernBertConfig, ModernBertForMaskedLM

    config = ModernBertConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                              num_attention_heads=2, local_attention=2 * WINDOW, global_attn_every_n_layers=3,
                              max_position_embeddings=128, pad_token_id=0, bos_token_id=2, eos_token_id=3,
                              cls_token_id=2, sep_token_id=3)
    out = {}
    for impl in ("eager", "sdpa"):
        torch.manual_seed(0)
        out[impl] = ModernBertForMaskedLM._from_config(config, attn_implementation=impl).eval()
    return out


def _row(torch, length=40, bounds=(0, 15, 36)):
    """One packed row: documents [0, 15) and [15, 36), padding [36, 40)."""
    torch.manual_seed(1)
    ids = torch.randint(5, 64, (1, length))
    cu = [torch.tensor(bounds, dtype=torch.int32)]
    doc = document_ids(cu, length)
    pos = torch.cat([torch.arange(b - a) for a, b in zip(bounds, bounds[1:], strict=False)]
                    + [torch.arange(length - bounds[-1])]).unsqueeze(0)
    return ids, doc, pos


def _logits(model, ids, doc, pos, objective, impl):
    import torch

    with torch.no_grad():
        masks = attention_masks(objective, doc, WINDOW, impl)
        return model(input_ids=ids, attention_mask=masks, position_ids=pos).logits[0]


@pytest.mark.parametrize("impl", ["eager", "sdpa"])
def test_the_causal_phase_never_sees_a_future_token(models, impl, torch_one_thread):
    torch = torch_one_thread
    ids, doc, pos = _row(torch)
    before = _logits(models[impl], ids, doc, pos, "clm", impl)
    for t in (16, 25, 35):
        changed = ids.clone()
        changed[0, t] = (changed[0, t] + 7) % 59 + 5
        after = _logits(models[impl], changed, doc, pos, "clm", impl)
        assert torch.equal(before[:t], after[:t]), f"positions before {t} must not see token {t}"
        assert not torch.allclose(before[t], after[t]), "the changed position itself changes"
    bidirectional = _logits(models[impl], changed, doc, pos, "mlm", impl)
    assert not torch.allclose(bidirectional[15:35], _logits(models[impl], ids, doc, pos, "mlm", impl)[15:35]), \
        "the same change does reach earlier positions in the bidirectional phase"


@pytest.mark.parametrize("objective", ["clm", "mlm"])
@pytest.mark.parametrize("impl", ["eager", "sdpa"])
def test_no_attention_crosses_a_document_boundary(models, impl, objective, torch_one_thread):
    torch = torch_one_thread
    ids, doc, pos = _row(torch)
    before = _logits(models[impl], ids, doc, pos, objective, impl)
    first = ids.clone()
    first[0, :15] = torch.randint(5, 64, (15,))
    after = _logits(models[impl], first, doc, pos, objective, impl)
    assert torch.equal(before[15:], after[15:]), "document 2 and the padding do not see document 1"
    second = ids.clone()
    second[0, 15:36] = torch.randint(5, 64, (21,))
    after = _logits(models[impl], second, doc, pos, objective, impl)
    assert torch.equal(before[:15], after[:15]), "document 1 does not see document 2 (nor the causal future)"


@pytest.mark.parametrize("objective", ["clm", "mlm"])
def test_eager_and_sdpa_agree(models, objective, torch_one_thread):
    torch = torch_one_thread
    ids, doc, pos = _row(torch)
    eager = _logits(models["eager"], ids, doc, pos, objective, "eager")
    sdpa = _logits(models["sdpa"], ids, doc, pos, objective, "sdpa")
    assert torch.allclose(eager, sdpa, atol=1e-5)


def _recorded_masks(model, ids, doc, pos, objective, impl):
    """The mask every attention module received, by layer index."""
    import torch

    seen = {}
    hooks = [layer.attn.register_forward_pre_hook(
        lambda module, args, kwargs, i=i: seen.__setitem__(i, kwargs["attention_mask"]), with_kwargs=True)
        for i, layer in enumerate(model.model.layers)]
    try:
        with torch.no_grad():
            model(input_ids=ids, attention_mask=attention_masks(objective, doc, WINDOW, impl), position_ids=pos)
    finally:
        for hook in hooks:
            hook.remove()
    return seen


@pytest.mark.parametrize("objective", ["clm", "mlm"])
@pytest.mark.parametrize("impl", ["eager", "sdpa"])
def test_local_layers_keep_the_sliding_window(models, impl, objective, torch_one_thread):
    torch = torch_one_thread
    ids, doc, pos = _row(torch)
    seen = _recorded_masks(models[impl], ids, doc, pos, objective, impl)
    q = torch.arange(40)[:, None]
    k = torch.arange(40)[None, :]
    same = doc[0][:, None] == doc[0][None, :]
    base = (k <= q) if objective == "clm" else torch.ones(40, 40, dtype=torch.bool)
    expected = {"full_attention": base & same, "sliding_attention": base & same & ((q - k).abs() <= WINDOW)}
    assert [models[impl].config.layer_types[i] for i in sorted(seen)] == \
        ["full_attention", "sliding_attention", "sliding_attention"]
    for i, mask in seen.items():
        assert mask is not None, "a None mask would let the layer attend everywhere"
        allowed = mask[0, 0] if mask.dtype == torch.bool else mask[0, 0] == 0
        assert torch.equal(allowed, expected[models[impl].config.layer_types[i]]), f"layer {i}"


def test_the_bidirectional_masks_reproduce_modernberts_own_on_one_document(models, torch_one_thread):
    """On one unpadded document, our MLM masks give exactly the stock forward (global + windowed layers)."""
    torch = torch_one_thread
    torch.manual_seed(3)
    ids = torch.randint(5, 64, (1, 32))
    doc = document_ids([torch.tensor([0, 32])], 32)
    with torch.no_grad():
        stock = models["sdpa"](input_ids=ids).logits[0]
    ours = _logits(models["sdpa"], ids, doc, torch.arange(32)[None], "mlm", "sdpa")
    assert torch.allclose(stock, ours, atol=1e-6)


def test_the_two_traps_the_mask_dict_avoids(models, torch_one_thread):
    """HF's causal mask is None under sdpa without padding, and one 4D mask for all layers loses the window."""
    torch = torch_one_thread
    from transformers.masking_utils import create_causal_mask

    model = models["sdpa"]
    ids, doc, pos = _row(torch, bounds=(0, 40))
    embeds = model.model.embeddings(input_ids=ids)
    assert create_causal_mask(config=model.config, inputs_embeds=embeds, attention_mask=None,
                              past_key_values=None, position_ids=None) is None
    ours = attention_masks("clm", doc, WINDOW, "sdpa")
    assert ours["full_attention"] is not None and ours["sliding_attention"] is not None
    with torch.no_grad():
        single = model(input_ids=ids, attention_mask=ours["full_attention"], position_ids=pos).logits[0]
        windowed = model(input_ids=ids, attention_mask=ours, position_ids=pos).logits[0]
    assert not torch.allclose(single[WINDOW + 2:], windowed[WINDOW + 2:]), \
        "beyond the window, one 4D mask for every layer attends further than the local layers may"
    assert torch.allclose(single[:WINDOW + 1], windowed[:WINDOW + 1], atol=1e-6), "within the window both agree"


def test_document_ids_give_padding_a_piece_of_its_own(torch_one_thread):
    torch = torch_one_thread
    doc = document_ids([torch.tensor([0, 2, 5]), torch.tensor([0, 6])], 6)
    assert doc.tolist() == [[0, 0, 1, 1, 1, 2], [0, 0, 0, 0, 0, 0]]


def test_the_flash_attention_path_gets_flattened_boundaries(torch_one_thread):
    """flash-attn is not installable here: what it would receive is checked, not the kernel."""
    import numpy as np

    from curation.pack.reader import PackedBatch
    from encoder.data import model_inputs

    batch = PackedBatch(np.arange(12, dtype=np.int64).reshape(2, 6) + 5,
                        [np.array([0, 2, 6], np.int32), np.array([0, 4], np.int32)], np.array([6, 4]), np.arange(2))
    item = model_inputs(batch, "clm", None, WINDOW, "flash_attention_2", "cpu")
    kwargs = item.kwargs
    assert "attention_mask" not in kwargs and kwargs["is_causal"] is True
    assert kwargs["input_ids"].shape == (1, 12) and kwargs["labels"].shape == (1, 12)
    assert kwargs["cu_seq_lens_q"].tolist() == [0, 2, 6, 10, 12] and kwargs["max_length_q"] == 4
    assert kwargs["position_ids"].tolist() == [[0, 1, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1]]
    assert kwargs["labels"].tolist() == [[6, -100, 8, 9, 10, -100, 12, 13, 14, -100, -100, -100]]
