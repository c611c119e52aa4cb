"""Labels of the two objectives: next token inside a document piece; MLM masking seeded, never on
padding or special tokens."""

from __future__ import annotations

from encoder.attention import document_ids
from encoder.objectives import clm_labels, mlm_inputs


def test_clm_labels_are_the_next_token_inside_a_document(torch_one_thread):
    torch = torch_one_thread
    ids = torch.tensor([[10, 11, 3, 20, 21, 22, 3, 0]])  # doc [0, 3) with its separator, doc [3, 7), padding
    doc = document_ids([torch.tensor([0, 3, 7])], 8)
    padding = torch.tensor([[True] * 7 + [False]])
    labels = clm_labels(ids, doc, padding)
    assert labels.tolist() == [[11, 3, -100, 21, 22, 3, -100, -100]]


def test_mlm_masks_the_asked_share_never_specials_and_is_seeded(sample_tokenizer, torch_one_thread):
    torch = torch_one_thread
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(sample_tokenizer)
    torch.manual_seed(0)
    ids = torch.randint(5, len(tokenizer), (8, 256))
    ids[:, ::17] = tokenizer.eos_token_id  # document separators
    padding = torch.ones_like(ids, dtype=torch.bool)
    padding[-1, 200:] = False
    ids[-1, 200:] = tokenizer.pad_token_id
    masked, labels = mlm_inputs(ids, padding, tokenizer, 0.30, [17, 0, 0, 5, 0, 0])
    chosen = labels != -100
    assert torch.equal(labels[chosen], ids[chosen]), "labels are the original tokens"
    assert not chosen[ids == tokenizer.eos_token_id].any() and not chosen[~padding].any()
    eligible = padding & (ids != tokenizer.eos_token_id)
    share = chosen.sum().item() / eligible.sum().item()
    assert 0.27 < share < 0.33, share
    replaced = masked[chosen] == tokenizer.mask_token_id
    assert 0.75 < replaced.float().mean().item() < 0.85, "80 % of the chosen tokens become [MASK]"
    assert torch.equal(masked[~chosen], ids[~chosen])
    again, labels_again = mlm_inputs(ids, padding, tokenizer, 0.30, [17, 0, 0, 5, 0, 0])
    assert torch.equal(again, masked) and torch.equal(labels_again, labels), "same seed, same masks"
    other, _ = mlm_inputs(ids, padding, tokenizer, 0.30, [17, 0, 0, 6, 0, 0])
    assert not torch.equal(other, masked), "another step, other masks"
