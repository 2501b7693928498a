"""Waiting on a condition with a generous ceiling: a busy machine makes a test slow, never
red. Never assert how long something took (timing lives in bench/)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import pytest

CEILING = 300.0  # seconds; only reached when something is really wrong


class Watched(Protocol):
    def alive(self) -> bool: ...

    def output(self) -> str: ...


def wait_for(
    condition: Callable[[], bool],
    what: str,
    *,
    worker: Watched | None = None,
    ceiling: float = CEILING,
    poll: float = 0.2,
) -> None:
    """Polls `condition` until it holds. Fails (with the worker's output) when the worker
    died, or after `ceiling` seconds; never asserts how long it took."""
    deadline = time.monotonic() + ceiling
    while not condition():
        if worker is not None and not worker.alive():
            pytest.fail(f"worker exited while waiting for {what}:\n{worker.output()}")
        if time.monotonic() > deadline:
            output = worker.output() if worker is not None else ""
            pytest.fail(f"gave up waiting for {what} after {ceiling:.0f} s\n{output}")
        time.sleep(poll)
