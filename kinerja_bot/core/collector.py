"""Python's cycle collector, tuned for a long-running bot with many open conversations.

Measured in docs/performance.md ("What limits each figure"): with 500 users walking /lapor
at once, the collector took 2.8–3.4 s of the ~20 s of CPU, two thirds of it in 13–16 full
collections, each walking every object alive: the ~190,000 of the imported modules, texts,
handlers and application, which live as long as the process, and every open conversation's
update, context and timeout job.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations (net of deallocations) between two young collections; Python's default is 700.
# At 10,000 a young collection runs ~10× less often and, through the older generations'
# counts (left at 10 and 10), so do the others; a larger young generation saved no more CPU
# (50,000: the same collector time) and only held more garbage between collections.
YOUNG_THRESHOLD = 10_000


def settle_after_start() -> None:
    """Collect once, then move everything alive into the permanent generation, which no
    collection walks again, and collect the young generation less often.

    Called once start-up is complete: what is alive then (modules, texts, handlers, the
    application) stays alive until the process exits, so walking it again is pure cost.
    Garbage cycles are still found: among the objects made afterwards."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off inside the block (and back on after it, if it was on),
    for a batch that keeps hundreds of thousands of objects alive at once (the weekly
    summaries: ~660,000 ORM objects, which each full collection walked again)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
