"""Python's cyclic garbage collector while the connector builds a big answer.

A 100-order page decodes into about 4,200 new dicts and lists. The collector counts new
containers and runs a young collection every 700 of them, an older one every ten young ones,
and a full one, which walks every object alive (a whole pull's kept orders included), every ten
older ones once enough has piled up. Tuned for programs that make a few objects at a time, that
schedule made the collector a third of a 10,000-order pull's client CPU: 548 young, 50 older
and 2-5 full collections, 0.45-0.75 s of 1.2-1.4 s.

Two measures, both scoped to the connector's own work and both leaving the collector as they
found it:

* :func:`collector_paused` around one big decode: the page counts as one young collection
  instead of six (91 young, 8 older, 1 full per pull; about 0.35 s).
* :func:`larger_young_generation` around a list call's page walk: a young collection every
  20,000 new containers instead of 700, as long as the walk runs (18-19 young, 1-2 older, no
  full collection; 0.2-0.3 s).

Neither frees anything later than it would have been: JSON holds no cycles, and what the
host's other threads leave to the collector meanwhile is collected at the next collection.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 20_000
"""The young generation's size while a walk runs (CPython's default is 700; 3.13 made it 2,000)."""

_lock = threading.Lock()
_walks = 0
_saved: tuple[int, ...] | None = None  # the thresholds found when the first walk began
_ours: tuple[int, ...] | None = None  # the thresholds that walk set


@contextmanager
def collector_paused() -> Iterator[None]:
    """``gc.disable()`` for the block, and the collector left as it was found.

    The switch is process-wide: a host that turned the collector off keeps it off, and a thread
    turns it back on only if that thread found it on, so however several threads' decodes
    overlap, the collector is on again once every one of them has ended.
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def larger_young_generation(threshold: int | None = None) -> Iterator[None]:
    """The collector's first threshold raised to ``threshold`` (:data:`YOUNG_THRESHOLD`) while any walk runs.

    Process-wide like the switch above, so walks in several threads share one raise: the first
    to begin saves the thresholds and raises them, the last to end puts them back. A host that
    set a larger young generation (or 0, no automatic collection) keeps its own; one that
    changed the thresholds while a walk ran keeps its change.
    """
    global _walks, _saved, _ours
    threshold = threshold or YOUNG_THRESHOLD
    with _lock:
        if _walks == 0:
            found = gc.get_threshold()
            if 0 < found[0] < threshold:
                _saved, _ours = found, (threshold, *found[1:])
                gc.set_threshold(*_ours)
        _walks += 1
    try:
        yield
    finally:
        with _lock:
            _walks -= 1
            if _walks == 0 and _saved is not None:
                if gc.get_threshold() == _ours:
                    gc.set_threshold(*_saved)
                _saved = _ours = None
