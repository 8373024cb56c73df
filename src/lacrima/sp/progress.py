"""A progress bar for long analyses: rich, on stderr, only on a terminal or when asked."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress_steps"]


@contextmanager
def progress_steps(
    total: int, show: bool | None, description: str
) -> Iterator[Callable[[str], None]]:
    """Yield a ``step(label)`` callable that advances a progress bar by one.

    Parameters
    ----------
    total : int
        Number of steps.
    show : bool or None
        True always shows the bar, False never; None shows it when stderr is a terminal.
    description : str
        Text before the bar (the file name).
    """
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} {task.fields[label]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(f"analysing {description}", total=total, label="")

        def step(label: str) -> None:
            bar.update(task, advance=1, label=label)

        yield step
