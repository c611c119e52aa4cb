"""The recipe: one YAML file describing a curation run (sources, steps, token counter, executor).

Validated by pydantic models that reject unknown keys; every field has a default (except the
sources) and a docstring. ``load_recipe(path, overrides)`` reads, overrides and validates it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, PrivateAttr, Tag

from curation.config import StrictModel, apply_overrides, read_yaml, validate
from curation.llm.config import LLMConfig
from curation.readers.catalog import ReaderSpec
from curation.steps import catalog as _catalog  # noqa: F401 - registers every step
from curation.steps.registry import step_spec
from curation.tokens import TokenCounterConfig


class SourceConfig(StrictModel):
    """One source: its manifest (license, terms), its route and how to read it."""

    manifest: str
    """Manifest name (``hal``) or path to a manifest YAML."""
    name: str | None = None
    """Name used in document ids and stats; default: the manifest's name."""
    route: Literal["extraction", "direct"] | None = None
    """``extraction`` (extraction and cleaning steps run) or ``direct`` (already clean: they are skipped).
    Default: the manifest's route."""
    reader: ReaderSpec
    """How to read the source's files (``format: pdf|tei|jsonl|json|parquet`` and its options)."""


class LocalExecutorConfig(StrictModel):
    """datatrove's ``LocalPipelineExecutor``: tasks run on this machine by a pool of workers."""

    kind: Literal["local"] = "local"
    """Executor kind."""
    tasks: int = Field(default=1, ge=1)
    """Number of tasks (input files are split between them; one output shard per task)."""
    workers: int = -1
    """Tasks run at the same time; -1: as many as tasks."""


class SlurmExecutorConfig(StrictModel):
    """datatrove's ``SlurmPipelineExecutor``: one Slurm job array, one array task per task."""

    kind: Literal["slurm"] = "slurm"
    """Executor kind."""
    tasks: int = Field(default=1, ge=1)
    """Number of tasks (array size)."""
    workers: int = -1
    """Array tasks running at the same time; -1: no limit."""
    partition: str = "cpu"
    """Slurm partition."""
    time: str = "24:00:00"
    """Time limit per task."""
    cpus_per_task: int = 1
    """CPUs per task."""
    mem_per_cpu_gb: int = 2
    """Memory per CPU, in GB."""
    qos: str = "normal"
    """Slurm QOS."""
    job_name: str = "biomedfr"
    """Job name."""
    venv_path: str | None = None
    """Activate script of the virtual environment to use in the job (``<venv>/bin/activate``)."""
    env_command: str | None = None
    """Shell command that prepares the environment in the job (instead of ``venv_path``)."""
    sbatch_args: dict[str, str] = Field(default_factory=dict)
    """Extra ``#SBATCH`` directives, e.g. ``{account: my-project}``."""


class RayExecutorConfig(StrictModel):
    """datatrove's ``RayPipelineExecutor``: tasks as Ray tasks on a Ray cluster."""

    kind: Literal["ray"] = "ray"
    """Executor kind."""
    tasks: int = Field(default=1, ge=1)
    """Number of tasks."""
    workers: int = -1
    """Tasks running at the same time; -1: as many as tasks."""
    cpus_per_task: int = 1
    """CPUs reserved per task."""
    mem_per_cpu_gb: float = 2
    """Memory reserved per CPU, in GB."""
    address: str | None = None
    """Ray cluster address for ``ray.init`` (``auto`` for an existing cluster); null: start or reuse a local one."""


def _executor_kind(value) -> str:
    """``kind`` of an executor section; ``local`` when left out."""
    if isinstance(value, dict):
        return value.get("kind", "local")
    return getattr(value, "kind", "local")


ExecutorSpec = Annotated[
    Union[  # noqa: UP007
        Annotated[LocalExecutorConfig, Tag("local")],
        Annotated[SlurmExecutorConfig, Tag("slurm")],
        Annotated[RayExecutorConfig, Tag("ray")],
    ],
    Discriminator(_executor_kind),
]

StepSpec = step_spec()


class Recipe(StrictModel):
    """A curation run."""

    name: str = "biomedfr-run"
    """Name of the run (used for the default output folder)."""
    output: str | None = None
    """Output folder (relative to the working directory); default ``runs/<name>``. ``--out`` overrides it."""
    sources: list[SourceConfig] = Field(min_length=1)
    """The sources to read, each with its manifest and route."""
    steps: list[StepSpec] = Field(default_factory=list)  # type: ignore[valid-type]
    """The steps, in order (``step: <name>`` and its options). Each runs on the routes it applies to."""
    token_counter: TokenCounterConfig = Field(default_factory=TokenCounterConfig)
    """The one token counter every step that counts tokens uses."""
    executor: ExecutorSpec = Field(default_factory=LocalExecutorConfig)
    """Where tasks run: ``local`` (default), ``slurm`` or ``ray``."""
    llm: LLMConfig | None = None
    """The LLM the LLM steps use (backend ``transformers``, ``openai`` or ``vllm``); null: no LLM step."""

    _path: Path | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path | None:
        """The recipe file this recipe was loaded from."""
        return self._path

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths of the recipe are resolved against."""
        return self._path.parent if self._path else Path.cwd()

    def config_hash(self) -> str:
        """sha256 of the canonical JSON of the resolved config (``run.json`` records it)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> Recipe:
    """Read a recipe YAML, apply ``--set`` overrides, validate it."""
    path = Path(path)
    data = read_yaml(path)
    if overrides:
        data = apply_overrides(data if isinstance(data, dict) else {}, overrides)
    recipe = validate(Recipe, data, str(path))
    recipe._path = path.resolve()
    return recipe
