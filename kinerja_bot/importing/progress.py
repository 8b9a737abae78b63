"""Progress bars for large imports: tqdm on stderr, only for a person watching a terminal."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm

# Below this many rows an import takes about a second: a bar would only flicker.
PROGRESS_MIN_ROWS = 1000


def wants_progress(progress: bool | None, rows: int | None) -> bool:
    """`progress=None` means: show bars when stderr is a terminal and the file is large."""
    if progress is not None:
        return progress
    large = rows is None or rows >= PROGRESS_MIN_ROWS
    return large and sys.stderr.isatty()


def bar(description: str, total: int | None, *, enabled: bool) -> tqdm[Any]:
    """A bar counting rows; a disabled bar costs nothing and prints nothing."""
    return tqdm(
        total=total,
        desc=description,
        unit=" baris",
        file=sys.stderr,
        disable=not enabled,
        leave=False,
        dynamic_ncols=True,
    )
