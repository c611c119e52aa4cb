"""Every shipped evaluation YAML validates; overrides, --model replacement and their errors."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from curation.errors import ConfigError
from encoder.evaluation.config import EvalConfig, ModelEntry, load_eval_config, parse_model_options, task_finetune
from encoder.evaluation.finetune import PreparedModel, context_length

RECIPES = sorted((Path(__file__).resolve().parents[3] / "recipes" / "encoder").glob("eval-*.yaml"))
PAPER_TASKS = ["diamed", "fracco-30", "fracco-100", "cantemist", "distemist", "meddialog", "emea", "medline"]


def test_there_are_evaluation_recipes():
    assert {p.name for p in RECIPES} >= {"eval-tiny.yaml", "eval-paper.yaml"}


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_evaluation_recipe_validates(path):
    config = load_eval_config(path)
    assert config.tasks and config.seeds
    for name in config.tasks:
        assert task_finetune(config, name).epochs >= 1
        assert config.tasks[name].path


def test_paper_recipe_lists_the_eight_tasks_with_their_metrics():
    config = load_eval_config(RECIPES[[p.name for p in RECIPES].index("eval-paper.yaml")], ["data_root=/mnt/eval"])
    assert list(config.tasks) == PAPER_TASKS and config.seeds == list(range(42, 51)) and config.max_length == 8192
    kinds = {name: t.kind for name, t in config.tasks.items()}
    assert kinds["diamed"] == "single_label" and kinds["emea"] == kinds["medline"] == "ner"
    assert all(kinds[n] == "multi_label" for n in PAPER_TASKS[1:6])
    assert config.data_root == "/mnt/eval" and all(t.source and t.license for t in config.tasks.values())


def test_model_options_replace_the_models_and_keep_their_settings(tmp_path):
    yaml = tmp_path / "e.yaml"
    yaml.write_text("models:\n  camembert-bio: {path: /m/cb, max_length: 512}\n  other: /m/o\nreference: other\n")
    config = load_eval_config(yaml, models=parse_model_options(["camembert-bio=/x/cb", "new=/x/n"]), out=tmp_path / "o")
    assert list(config.models) == ["camembert-bio", "new"]
    assert config.models["camembert-bio"] == ModelEntry(path="/x/cb", max_length=512)
    assert config.reference_model == "camembert-bio"  # the YAML's reference is not evaluated any more
    assert config.out == str(tmp_path / "o")
    assert load_eval_config(yaml).reference_model == "other"


@pytest.mark.parametrize(("options", "message"), [
    (["nopath"], r"--model 'nopath': expected NAME=PATH"),
    (["a=/p", "a=/q"], r"--model a: given twice"),
    (["=/p"], r"expected NAME=PATH"),
])
def test_bad_model_options(options, message):
    with pytest.raises(ConfigError, match=message):
        parse_model_options(options)


def test_config_errors_say_where(tmp_path):
    yaml = tmp_path / "e.yaml"
    yaml.write_text("finetun: {lr: 1}\n")
    with pytest.raises(ConfigError, match=r"e\.yaml: finetun: unknown field — did you mean 'finetune'\?"):
        load_eval_config(yaml)
    yaml.write_text("tasks: {t: {path: t, finetune: {lr: -1}}}\n")
    with pytest.raises(ConfigError, match=r"e\.yaml: tasks\.t\.finetune: lr: Input should be greater than 0"):
        load_eval_config(yaml)
    yaml.write_text("tasks: {t: {path: t, finetune: {patienc: 2}}}\n")
    with pytest.raises(ConfigError, match=r"tasks\.t\.finetune: patienc: unknown field — did you mean 'patience'\?"):
        load_eval_config(yaml)
    yaml.write_text("models: {a: /p}\nreference: b\n")
    with pytest.raises(ConfigError, match=r"reference 'b' is not one of the models \(a\)"):
        load_eval_config(yaml)
    with pytest.raises(ConfigError, match=r"seeds .* repeat a seed"):
        load_eval_config(yaml, ["reference=a", "seeds=[1, 1]"])
    with pytest.raises(ConfigError, match=r"model name 'a b'"):
        load_eval_config(yaml, ["reference=''", "models={'a b': /p}"])


def test_task_overrides_apply_on_the_shared_finetune(tmp_path):
    yaml = tmp_path / "e.yaml"
    yaml.write_text("finetune: {lr: 1.0e-4, epochs: 5}\ntasks:\n  a: {path: a, finetune: {lr: 3.0e-5}}\n  b: {path: b}\n")
    config = load_eval_config(yaml)
    assert (task_finetune(config, "a").lr, task_finetune(config, "a").epochs) == (3e-5, 5)
    assert task_finetune(config, "b") == config.finetune


def _prepared(model_type: str, positions: int, tokenizer_max: int, entry_max: int | None = None, pad: int = 1):
    config = SimpleNamespace(model_type=model_type, max_position_embeddings=positions, pad_token_id=pad)
    return PreparedModel(name="m", path=Path("."), entry=ModelEntry(path=".", max_length=entry_max),
                         tokenizer=SimpleNamespace(model_max_length=tokenizer_max), config=config, fingerprint="")


def test_context_length_is_the_smallest_limit():
    huge = int(1e30)  # transformers' "no limit" model_max_length
    assert context_length(_prepared("modernbert", 8192, huge), 8192) == 8192
    assert context_length(_prepared("modernbert", 8192, huge), 1024) == 1024
    assert context_length(_prepared("camembert", 514, 512), 8192) == 512  # positions start after the padding id
    assert context_length(_prepared("camembert", 514, huge), 8192) == 512
    assert context_length(_prepared("bert", 512, huge, entry_max=256), 8192) == 256


def test_default_config_validates_and_names_its_output():
    config = EvalConfig()
    assert config.seeds == list(range(42, 51)) and config.max_length == 8192 and config.finetune.patience >= 1
