"""datatrove executors chosen by the recipe (``local``, ``slurm``, ``ray``), with quiet console logs.

datatrove logs every task at INFO level to stderr; the CLI shows progress bars instead, so the
``quiet`` variants send only errors to the console. The complete logs stay in
``<out>/logs/<stage>/logs/task_NNNNN.log``.
"""

from __future__ import annotations

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.executor.slurm import SlurmPipelineExecutor

from curation.errors import require


def quiet_datatrove_logging() -> None:
    """Make datatrove's default console logger show warnings and errors only (this process)."""
    import datatrove.utils.logging as dt_logging
    from loguru import logger

    def setup_quiet_logger():
        logger.remove()
        logger.add(sys.stderr, level="WARNING", colorize=dt_logging.DATATROVE_COLORIZE_LOGS)

    dt_logging.setup_default_logger = setup_quiet_logger
    setup_quiet_logger()


class QuietLocalExecutor(LocalPipelineExecutor):
    """``LocalPipelineExecutor`` whose tasks log only errors to the console."""

    def __init__(self, *args, quiet: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiet = quiet

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        if self.quiet:
            quiet_datatrove_logging()
            local_rank = max(local_rank, 1)  # datatrove: ranks other than 0 log only errors to stderr
        return super()._run_for_rank(rank, local_rank, node_rank)


def make_executor(config, pipeline: list, logging_dir: str, quiet: bool = True, tasks: int | None = None,
                  depends=None):
    """The datatrove executor described by a recipe's ``executor:`` section.

    ``tasks`` overrides the recipe's task count for one pass (a MinHash clustering pass runs as one
    task); ``depends`` chains Slurm passes (each job array waits for the previous one).
    """
    if quiet:
        quiet_datatrove_logging()
    n_tasks = tasks or config.tasks
    workers = config.workers if n_tasks == config.tasks else min(max(config.workers, 1), n_tasks)
    if config.kind == "local":
        return QuietLocalExecutor(
            pipeline=pipeline,
            tasks=n_tasks,
            workers=workers,
            logging_dir=logging_dir,
            quiet=quiet,
        )
    if config.kind == "slurm":
        return SlurmPipelineExecutor(
            pipeline=pipeline,
            tasks=n_tasks,
            workers=workers,
            depends=depends,
            time=config.time,
            partition=config.partition,
            cpus_per_task=config.cpus_per_task,
            mem_per_cpu_gb=config.mem_per_cpu_gb,
            qos=config.qos,
            job_name=config.job_name,
            venv_path=config.venv_path,
            env_command=config.env_command,
            sbatch_args=dict(config.sbatch_args) or None,
            logging_dir=logging_dir,
        )
    require("ray", "ray", "the Ray executor")
    import ray
    from datatrove.executor.ray import RayPipelineExecutor

    if not ray.is_initialized():
        ray.init(address=config.address, include_dashboard=False, log_to_driver=not quiet)
    return RayPipelineExecutor(
        pipeline=pipeline,
        tasks=n_tasks,
        workers=workers,
        cpus_per_task=config.cpus_per_task,
        mem_per_cpu_gb=config.mem_per_cpu_gb,
        logging_dir=logging_dir,
    )
