"""Fine-tuning with HF Trainer: it learns the tiny task, early stopping stops and restores the best epoch's
weights, and any HF encoder goes through the same code."""

from __future__ import annotations

import random

import pytest

from encoder.evaluation.config import FinetuneConfig, ModelEntry, TaskConfig
from encoder.evaluation.features import encode_task
from encoder.evaluation.finetune import context_length, finetune, prepare_model, score_split
from encoder.evaluation.tasks import load_task
from tests.encoder.evaluation.synthetic import single_label_rows, write_jsonl

FAST = FinetuneConfig(lr=3e-3, epochs=8, patience=3, batch_size=16, eval_batch_size=64)


@pytest.fixture(scope="module")
def tiny(tiny_checkpoint):
    return prepare_model("tiny", ModelEntry(path=str(tiny_checkpoint)))


def test_finetuning_learns_the_tiny_task(tiny, tasks_root, tmp_path, torch_one_thread):
    task = load_task("specialty", TaskConfig(kind="single_label", path="specialty"), tasks_root)
    encoded = encode_task(task, tiny.tokenizer, context_length(tiny, 64))
    result, model = finetune(tiny, encoded, FAST, 42, tmp_path / "ckpt", device="cpu", keep_model=True)
    assert type(model).__name__ == "ModernBertForSequenceClassification" and model.config.classifier_pooling == "cls"
    assert result["validation_before"] < 0.3  # the untrained head: about one class everywhere
    assert result["validation"] > 0.8 and result["score"] > 0.6  # macro-F1 after fine-tuning, seed 42
    assert result["validation"] == max(h["validation"] for h in result["history"])
    assert result["history"][-1]["train_loss"] < result["history"][0]["train_loss"]
    assert result["energy"]["tokens"] > encoded.splits["train"].tokens and result["energy"]["wall_seconds"] > 0
    assert not (tmp_path / "ckpt").exists()  # the Trainer's checkpoints are removed
    # the reported test score is that of the kept model's predictions, example by example in file order
    # (transformers 5.20 would reorder evaluation batches by length like the training ones: see finetune.py)
    import torch

    model.eval()
    with torch.no_grad():
        predicted = [int(model(input_ids=torch.tensor([item["input_ids"]])).logits.argmax(-1))
                     for item in encoded.splits["test"].items]
    assert len({len(item["input_ids"]) for item in encoded.splits["test"].items}) > 3  # lengths differ
    assert score_split(encoded, "test", predicted) == pytest.approx(result["test"])


def _snapshots():
    """A TrainerCallback keeping a copy of the weights after each epoch's evaluation."""
    from transformers import TrainerCallback

    class Snapshots(TrainerCallback):
        def __init__(self):
            self.weights = {}

        def on_evaluate(self, args, state, control, model=None, **kwargs):
            self.weights[int(round(state.epoch))] = {k: v.detach().clone() for k, v in model.state_dict().items()}

    return Snapshots()


def test_early_stopping_stops_after_patience_and_restores_the_best_epoch(tiny, tmp_path, torch_one_thread):
    rng = random.Random(5)  # labels drawn at random: validation goes up and down, never steadily
    for split, n in (("train", 96), ("validation", 48), ("test", 16)):
        rows = [{**row, "label": rng.choice("abc")} for row in single_label_rows(n, rng.randrange(1000))]
        write_jsonl(tmp_path / "noise" / f"{split}.jsonl", rows)
    task = load_task("noise", TaskConfig(path=str(tmp_path / "noise")))
    encoded = encode_task(task, tiny.tokenizer, 64)
    config = FAST.model_copy(update={"epochs": 20, "patience": 2, "schedule": "constant", "warmup_ratio": 0.0})
    snapshots = _snapshots()
    result, model = finetune(tiny, encoded, config, 42, tmp_path / "ckpt", device="cpu", callbacks=[snapshots],
                             keep_model=True)
    assert result["stopped_early"] and result["epochs"] < 20
    assert result["epochs"] == result["best_epoch"] + 2  # two epochs without improvement, then stop
    assert sorted(snapshots.weights) == list(range(1, result["epochs"] + 1))
    final = {k: v.detach() for k, v in model.state_dict().items()}
    best, last = snapshots.weights[result["best_epoch"]], snapshots.weights[result["epochs"]]
    assert all((final[k] == best[k]).all() for k in best)  # the best epoch's weights came back
    assert any((final[k] != last[k]).any() for k in last)
    import torch

    model.eval()
    batch = [encoded.splits["validation"].items[i] for i in range(48)]
    with torch.no_grad():
        logits = model(input_ids=torch.nn.utils.rnn.pad_sequence([torch.tensor(b["input_ids"]) for b in batch],
                                                                batch_first=True, padding_value=0),
                       attention_mask=torch.nn.utils.rnn.pad_sequence([torch.tensor(b["attention_mask"]) for b in batch],
                                                                      batch_first=True, padding_value=0)).logits
    assert score_split(encoded, "validation", logits.argmax(-1).numpy())["f1"] == pytest.approx(result["validation"])


def test_another_architecture_goes_through_the_same_code(tiny_bert, tasks_root, tmp_path, torch_one_thread):
    bert = prepare_model("bert", ModelEntry(path=str(tiny_bert)))
    task = load_task("entities", TaskConfig(kind="ner", path="entities"), tasks_root)
    encoded = encode_task(task, bert.tokenizer, context_length(bert, 64))
    config = FAST.model_copy(update={"epochs": 3, "lr": 5e-3})
    result, model = finetune(bert, encoded, config, 7, tmp_path / "ckpt", device="cpu", keep_model=True)
    assert type(model).__name__ == "BertForTokenClassification" and model.config.num_labels == len(task.labels)
    assert len(result["history"]) == 3 and result["validation"] > result["validation_before"]
    assert 0.0 <= result["score"] <= 1.0 and set(result["test"]) == {"f1", "precision", "recall"}
