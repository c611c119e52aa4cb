"""Fine-tune one model on one task with one seed, and score it on the test split.

The model is the checkpoint loaded by ``AutoModelForSequenceClassification`` (single- and multi-label;
``problem_type`` picks cross-entropy or sigmoid + BCE) or ``AutoModelForTokenClassification`` (NER), with a
new randomly initialised (seeded) linear classifier. For ModernBERT, HF's head reads the [CLS] state
(``classifier_pooling="cls"``, set here) through the checkpoint's prediction head (dense, activation, norm)
then the linear layer; other encoders keep their own HF heads.

The loop is HF's ``Trainer`` with ``EarlyStoppingCallback``, not a hand-written one: it already does what
the protocol needs and would otherwise be re-implemented — AdamW with a linear or constant schedule,
evaluation every epoch, early stopping after ``patience`` epochs without a better validation metric,
reloading the best epoch's weights at the end (``load_best_model_at_end`` with ``save_strategy="best"``:
only an improving epoch is written, weights only), bf16 autocast, gradient accumulation and
checkpointing, length-grouped batches, and data-parallel training on several GPUs under ``torchrun`` /
``accelerate launch`` with batches gathered in order for the metrics. Its cost here is a checkpoint
written on disk per improving epoch (removed at the end).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curation.errors import ConfigError, require
from curation.training.energy import EnergyConfig, EnergyMeter
from curation.training.hf import checkpoint_folder, local_tokenizer, quiet_transformers
from encoder.evaluation.config import FinetuneConfig, ModelEntry
from encoder.evaluation.features import Encoded, adds_special_tokens
from encoder.evaluation.metrics import entity_f1, macro_f1, micro_f1, word_tags

__all__ = ["PreparedModel", "context_length", "finetune", "prepare_model", "score_split",
           "seed_fingerprint"]

_ROBERTA_POSITIONS = {"roberta", "camembert", "xlm-roberta", "xlm-roberta-xl", "longformer", "data2vec-text"}
"""Model types whose position ids start after the padding id (CamemBERT: 514 embeddings, 512 tokens)."""


def _torch():
    return require("torch", "train", "the encoder fine-tuning evaluation")


def _transformers():
    return require("transformers", "train", "the encoder fine-tuning evaluation")


@dataclass
class PreparedModel:
    """A checkpoint checked and its tokenizer loaded, once per model."""

    name: str
    path: Path
    entry: ModelEntry
    tokenizer: object
    config: object
    """The checkpoint's ``PretrainedConfig`` (copied before each fine-tuning)."""
    fingerprint: str
    """Hash of config.json, the tokenizer files and the weight files' names, sizes and times."""
    warnings: list[str] = field(default_factory=list)

    @property
    def model_type(self) -> str:
        """``modernbert``, ``camembert``, ``bert``..."""
        return str(getattr(self.config, "model_type", ""))


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        if path.suffix == ".json" or path.name in ("tokenizer.model", "sentencepiece.bpe.model", "vocab.txt"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        elif path.suffix in (".safetensors", ".bin", ".pt"):
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def prepare_model(name: str, entry: ModelEntry) -> PreparedModel:
    """Check ``entry.path`` is a local HF checkpoint and load its tokenizer and config (nothing downloaded)."""
    where = f"models.{name}"
    if not entry.path:
        raise ConfigError(f"{where}: no path — give --model {name}=PATH (a local folder saved with save_pretrained)")
    path = checkpoint_folder(entry.path, where, f"give --model {name}=PATH")
    transformers = _transformers()
    tokenizer = local_tokenizer(path, where)
    with quiet_transformers():
        try:
            config = transformers.AutoConfig.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"{where}: cannot read {path / 'config.json'} ({exc})") from None
    if tokenizer.pad_token is None:
        raise ConfigError(f"{where}: the tokenizer in {path} has no padding token — set one (tokenizer.pad_token) "
                          "and save it again")
    prepared = PreparedModel(name=name, path=path, entry=entry, tokenizer=tokenizer, config=config,
                             fingerprint=_fingerprint(path))
    if not adds_special_tokens(tokenizer):
        prepared.warnings.append(f"the tokenizer of {path} adds no special tokens: the [CLS] pooling reads the "
                                 "first token of each text")
    return prepared


def context_length(model: PreparedModel, requested: int) -> int:
    """Tokens per document: the smallest of ``requested``, the model entry's ``max_length``, the tokenizer's
    ``model_max_length`` (when set) and the position embeddings."""
    limits = [requested]
    if model.entry.max_length:
        limits.append(model.entry.max_length)
    tokenizer_max = getattr(model.tokenizer, "model_max_length", None)
    if isinstance(tokenizer_max, int) and 0 < tokenizer_max < 1_000_000:
        limits.append(tokenizer_max)
    positions = getattr(model.config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        if model.model_type in _ROBERTA_POSITIONS:
            positions -= int(getattr(model.config, "pad_token_id", 1) or 1) + 1
        limits.append(positions)
    return min(limits)


def _new_model(model: PreparedModel, encoded: Encoded, seed: int):
    """The checkpoint with a fresh (seeded) classifier for the task's labels."""
    import copy

    transformers = _transformers()
    task = encoded.task
    config = copy.deepcopy(model.config)
    config.num_labels = len(task.labels)
    config.id2label = dict(enumerate(task.labels))
    config.label2id = {label: i for i, label in enumerate(task.labels)}
    if task.kind != "ner":
        config.problem_type = "single_label_classification" if task.kind == "single_label" else "multi_label_classification"
    if model.model_type == "modernbert":
        config.classifier_pooling = "cls"
    auto = transformers.AutoModelForTokenClassification if task.kind == "ner" else \
        transformers.AutoModelForSequenceClassification
    kwargs = {"attn_implementation": model.entry.attn_implementation} if model.entry.attn_implementation else {}
    transformers.set_seed(seed)
    try:
        with quiet_transformers():
            return auto.from_pretrained(str(model.path), config=config, local_files_only=True, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        kind = "token" if task.kind == "ner" else "sequence"
        raise ConfigError(f"models.{model.name}: cannot load {model.path} for {kind} classification ({exc})") from None


def score_split(encoded: Encoded, split: str, predictions: np.ndarray) -> dict[str, float]:
    """``{f1, precision, recall}`` of decisions on a split (class ids, 0/1 matrices or token tag ids)."""
    task = encoded.task
    examples = task.splits[split]
    if task.kind == "single_label":
        index = {label: i for i, label in enumerate(task.labels)}
        return macro_f1([index[ex.label] for ex in examples], np.asarray(predictions).reshape(-1))
    if task.kind == "multi_label":
        truth = np.array([item["labels"] for item in encoded.splits[split].items], dtype=np.int64)
        return micro_f1(truth.reshape(len(examples), len(task.labels)), predictions)
    positions = encoded.splits[split].positions
    predicted = [word_tags(predictions[k], positions[k], task.labels) for k in range(len(examples))]
    return entity_f1([list(ex.labels) for ex in examples], predicted)


def _decisions(kind: str, threshold: float):
    """``preprocess_logits_for_metrics``: logits -> class ids, 0/1 decisions or token tag ids (less memory)."""
    torch = _torch()

    def decide(logits, labels):
        if isinstance(logits, tuple):
            logits = logits[0]
        if kind == "multi_label":
            return (torch.sigmoid(logits.float()) >= threshold).long()
        return logits.argmax(dim=-1)

    return decide


def _trainer_class():
    """``Trainer`` whose evaluation stays in dataset order.

    transformers 5.20 (``Trainer._get_eval_sampler``) reuses the training's length grouping for evaluation
    and prediction, which silently reorders predictions against the examples: the scores, matched to the
    gold labels by position, would be wrong. Evaluation here is sequential (sharded in order by accelerate
    on several devices); training keeps its length grouping."""
    transformers = _transformers()
    torch = _torch()

    class OrderedEvalTrainer(transformers.Trainer):
        def _get_eval_sampler(self, eval_dataset):
            if eval_dataset is None or self.args.world_size > 1:
                return None
            return torch.utils.data.SequentialSampler(eval_dataset)

    return OrderedEvalTrainer


def _callback_class():
    transformers = _transformers()

    class EpochCallback(transformers.TrainerCallback):
        """Reports each finished epoch (for the progress bar) and keeps its validation score."""

        def __init__(self, report: Callable[[int, float], None] | None):
            self.report = report

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if self.report is not None and metrics and "eval_score" in metrics:
                self.report(int(round(state.epoch or 0)), float(metrics["eval_score"]))

    return EpochCallback


def _device(device: str) -> tuple[bool, str]:
    """``(use_cpu, device type)`` for the Trainer."""
    torch = _torch()
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device=cuda but torch sees no CUDA device — use --set device=cpu (or auto)")
    use_cpu = device == "cpu" or not torch.cuda.is_available()
    return use_cpu, "cpu" if use_cpu else "cuda"


def _bf16(precision: str, use_cpu: bool) -> bool:
    torch = _torch()
    if precision == "auto":
        return not use_cpu and torch.cuda.is_bf16_supported()
    return precision == "bf16"


def _history(log_history: Sequence[dict]) -> list[dict]:
    """Per epoch: validation score and mean training loss, from the Trainer's log."""
    epochs: dict[int, dict] = {}
    for entry in log_history:
        if "epoch" not in entry:
            continue
        epoch = int(round(entry["epoch"]))
        if "eval_score" in entry:
            epochs.setdefault(epoch, {"epoch": epoch})["validation"] = float(entry["eval_score"])
        elif "loss" in entry:
            epochs.setdefault(epoch, {"epoch": epoch})["train_loss"] = float(entry["loss"])
    return [epochs[e] for e in sorted(epochs) if "validation" in epochs[e]]


def finetune(model: PreparedModel, encoded: Encoded, config: FinetuneConfig, seed: int, output_dir: str | Path, *,
             device: str = "auto", energy: EnergyConfig | None = None,
             on_epoch: Callable[[int, float], None] | None = None, callbacks: Sequence = (),
             keep_model: bool = False) -> tuple[dict, object | None]:
    """Fine-tune ``model`` on ``encoded`` with ``seed``; return the seed's result (and the model if ``keep_model``).

    The result: ``seed``, ``score`` (test metric), ``test`` ({f1, precision, recall}), ``validation`` (best
    validation score), ``validation_before`` (the untrained head's), ``best_epoch``, ``epochs`` (run),
    ``stopped_early``, ``history`` (per epoch: validation, train_loss), ``energy`` (this fine-tuning).
    ``callbacks`` are extra ``TrainerCallback`` instances (tests use them to watch the weights).
    """
    transformers = _transformers()
    task = encoded.task
    use_cpu, device_type = _device(device)
    output_dir = Path(output_dir)
    shutil.rmtree(output_dir, ignore_errors=True)  # a checkpoint left by a killed run
    schedule = "linear" if config.schedule == "linear" else ("constant_with_warmup" if config.warmup_ratio else "constant")
    args = transformers.TrainingArguments(
        output_dir=str(output_dir), seed=seed, data_seed=seed, use_cpu=use_cpu, bf16=_bf16(config.precision, use_cpu),
        learning_rate=config.lr, weight_decay=config.weight_decay, optim="adamw_torch",
        lr_scheduler_type=schedule, warmup_steps=config.warmup_ratio, num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size, per_device_eval_batch_size=config.eval_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation, max_grad_norm=config.max_grad_norm,
        eval_strategy="epoch", save_strategy="best", save_total_limit=1, save_only_model=True,
        load_best_model_at_end=True, metric_for_best_model="score", greater_is_better=True,
        logging_strategy="epoch", report_to="none", disable_tqdm=True, log_level="error",
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        dataloader_num_workers=config.dataloader_workers, remove_unused_columns=False,
    )
    meter = EnergyMeter(energy, devices=args.world_size, device_type=device_type).start()
    network = _new_model(model, encoded, seed)
    if config.gradient_checkpointing:
        network.gradient_checkpointing_enable()
    if task.kind == "ner":
        collator = transformers.DataCollatorForTokenClassification(model.tokenizer)
    else:
        collator = transformers.DataCollatorWithPadding(model.tokenizer)
    splits = encoded.splits

    def metrics_of(split: str):
        def compute(prediction) -> dict[str, float]:
            return {"score": score_split(encoded, split, prediction.predictions)["f1"]}
        return compute

    trainer = _trainer_class()(
        model=network, args=args, train_dataset=splits["train"].items, eval_dataset=splits["validation"].items,
        data_collator=collator, processing_class=model.tokenizer, compute_metrics=metrics_of("validation"),
        preprocess_logits_for_metrics=_decisions(task.kind, task.config.threshold),
        callbacks=[transformers.EarlyStoppingCallback(early_stopping_patience=config.patience),
                   _callback_class()(on_epoch), *callbacks],
    )
    trainer.remove_callback(transformers.PrinterCallback)  # the per-epoch logs are kept in the result instead
    with quiet_transformers():
        before = score_split(encoded, "validation", trainer.predict(splits["validation"].items).predictions)["f1"]
        trainer.train()
        trainer.compute_metrics = metrics_of("test")
        test = score_split(encoded, "test", trainer.predict(splits["test"].items).predictions)
    history = _history(trainer.state.log_history)
    scores = [h["validation"] for h in history]
    best_epoch = history[int(np.argmax(scores))]["epoch"] if scores else 0
    epochs = history[-1]["epoch"] if history else 0
    meter.add_tokens(splits["train"].tokens * epochs + splits["validation"].tokens * (len(history) + 1)
                     + splits["test"].tokens)
    if trainer.is_world_process_zero():
        shutil.rmtree(output_dir, ignore_errors=True)
    result = {
        "seed": seed, "score": test["f1"], "test": test,
        "validation": max(scores) if scores else None, "validation_before": before,
        "best_epoch": best_epoch, "epochs": epochs, "stopped_early": epochs < config.epochs,
        "history": history, "energy": meter.report().to_json(),
    }
    return result, (trainer.model if keep_model else None)


def seed_fingerprint(model: PreparedModel, encoded: Encoded, config: FinetuneConfig, seed: int) -> str:
    """What a seed's result depends on: model files, task files and config, fine-tuning config, context, seed."""
    task = encoded.task.config.model_dump(exclude={"source", "license"})
    payload = {"model": model.fingerprint, "entry": model.entry.model_dump(), "task": task,
               "data": encoded.task.fingerprint, "finetune": config.model_dump(), "max_length": encoded.max_length,
               "seed": seed, "format": 1}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

