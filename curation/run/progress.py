"""Progress bars for long work (rich): tasks completed, polled from datatrove's completion markers."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def _done(completions: Path) -> int:
    try:
        return sum(1 for _ in completions.iterdir())
    except FileNotFoundError:
        return 0


@contextmanager
def task_progress(logs_dir: Path, total: int, label: str, enabled: bool = True, console: Console | None = None):
    """Show ``label`` with a bar of completed tasks while the block runs (no-op when disabled)."""
    if not enabled:
        yield
        return
    completions = Path(logs_dir) / "completions"
    stop = threading.Event()
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("tasks"), TimeElapsedColumn())
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=total, completed=_done(completions))

        def poll():
            while not stop.wait(0.3):
                bar.update(task, completed=_done(completions))

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            bar.update(task, completed=_done(completions))
