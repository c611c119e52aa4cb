"""Every training and mix config shipped in recipes/decoder/ validates; the reference ones carry the papers' values."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.config import load_model
from curation.training.duration import parse_duration
from decoder.config import TrainConfig
from decoder.mixes import COMBINATIONS, MixConfig

ROOT = Path(__file__).resolve().parents[2] / "recipes" / "decoder"
TRAINING = sorted(ROOT.glob("cpt-*.yaml")) + sorted(ROOT.glob("sft-*.yaml")) + [ROOT / "tiny-cpt.yaml",
                                                                                  ROOT / "tiny-sft.yaml"]
MIXES = sorted(ROOT.glob("mix-*.yaml")) + [ROOT / "tiny-mix.yaml"]
DORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def test_the_configs_are_there():
    names = {p.name for p in TRAINING + MIXES}
    assert {"cpt-medmistral.yaml", "sft-dora-medmistral.yaml", "sft-dora-cpt-medmistral.yaml",
            "sft-dora-medinjection.yaml", "mix-medinjection.yaml", "mix-medmistral-sft.yaml"} <= names


@pytest.mark.parametrize("path", TRAINING, ids=lambda p: p.name)
def test_training_config_validates(path):
    config = load_model(TrainConfig, path)
    assert config.task == path.stem.split("-")[1 if path.name.startswith("tiny") else 0]
    parse_duration(config.max_duration, "max_duration")


@pytest.mark.parametrize("path", MIXES, ids=lambda p: p.name)
def test_mix_config_validates(path):
    assert load_model(MixConfig, path).total >= 1


def test_medmistral_cpt_values():
    config = load_model(TrainConfig, ROOT / "cpt-medmistral.yaml")
    assert (config.optimizer.lr, config.optimizer.weight_decay, config.scheduler.name) == (2e-5, 0.01, "cosine")
    assert parse_duration(config.scheduler.t_warmup, "t").value == 0
    assert (config.device_train_microbatch_size, config.gradient_accumulation_steps) == (16, 2)
    assert config.max_duration == "2.8ep" and config.precision == "amp_bf16" and config.adapter is None


@pytest.mark.parametrize("name", ["sft-dora-medmistral.yaml", "sft-dora-cpt-medmistral.yaml"])
def test_medmistral_sft_values(name):
    config = load_model(TrainConfig, ROOT / name)
    adapter = config.adapter
    assert adapter.use_dora and (adapter.r, adapter.lora_alpha, adapter.lora_dropout) == (16, 16, 0.05)
    assert adapter.target_modules == DORA_TARGETS and adapter.merge
    assert (config.optimizer.lr, config.scheduler.name, config.seed) == (2e-5, "cosine", 42)
    assert (config.device_train_microbatch_size, config.gradient_accumulation_steps,
            config.device_eval_microbatch_size) == (4, 2, 8)
    assert config.max_duration == "10ep" and config.data.chat_template == "mistral_instruct.v1"
    assert config.model.path.startswith("runs/decoder/medmistral-cpt-7b") == (name == "sft-dora-cpt-medmistral.yaml")


def test_medinjection_mix_values():
    config = load_model(MixConfig, ROOT / "mix-medinjection.yaml")
    assert config.total == 33493 and config.combinations == list(COMBINATIONS)
    assert sorted(config.sources) == ["native", "synthetic", "translated"]
    sft = load_model(MixConfig, ROOT / "mix-medmistral-sft.yaml")
    assert (sft.total, sft.combinations) == (30000, ["ALL"])
