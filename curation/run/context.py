"""What every step of a run can see: where outputs go, the token counter, the attempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from curation.io import RecordSink
from curation.tokens import TokenCounter, TokenCounterConfig


@dataclass
class RunContext:
    """Shared, picklable run information handed to each step and reader."""

    out_dir: str
    """Root folder of the run's output (local path or fsspec URL)."""
    token_counter_config: TokenCounterConfig = field(default_factory=TokenCounterConfig)
    """The run's one token counter."""
    attempt_prefix: str = ""
    """File prefix of this attempt's shards: ``""`` for the first run, ``retry1-`` for the first retry..."""
    llm_config: object = None
    """The recipe's ``llm:`` section (``curation.llm.config.LLMConfig``), or None."""
    dry_run: bool = False
    """LLM steps count requests and tokens instead of calling the model (``biomedfr curate --dry-run``)."""

    @cached_property
    def llm_client(self):
        """The LLM client shared by the LLM steps of this task (built on first use)."""
        from curation.errors import ConfigError

        if self.llm_config is None:
            raise ConfigError(
                "an LLM step needs an LLM: add an `llm:` section to the recipe "
                "(backend: transformers|openai|vllm, model: ...)"
            )
        from curation.llm import build_client

        return build_client(self.llm_config)

    @cached_property
    def token_counter(self) -> TokenCounter:
        """The token counter every step that counts tokens uses."""
        return self.token_counter_config.build()

    def record_sink(self, kind: str, label: str) -> RecordSink:
        """A writer for ``excluded/<label>/`` or ``failed/<label>/`` records of this attempt."""
        return RecordSink(f"{self.out_dir}/{kind}/{label}", prefix=self.attempt_prefix, keep_transient=kind == "failed")

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("token_counter", None)
        state.pop("llm_client", None)
        return state
