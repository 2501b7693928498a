"""The Redis scripts a booking runs after its commit, sent together: one round trip.

A booking's commit updates the availability index and appends the opt-in e-mail to the
mail queue – two scripts, before this module two round trips (three: redis-py sends
``SCRIPT EXISTS`` before every pipeline that runs a script). Inside :func:`together` the
stores hand their script calls to :func:`run`, which only collects them; on leaving, one
pipeline sends them all as ``EVALSHA`` in the order they were made, and each call's result
goes to its ``then``, its error to its ``failed``. Outside :func:`together` (or in a thread
that is not inside it) :func:`run` runs the script at once, as before.

A script Redis does not know (restarted, ``SCRIPT FLUSH``) answers ``NOSCRIPT`` in the
pipeline; that call is run again on its own (redis-py loads the script). Redis runs the
calls one after the other, so the result is the same as the calls made one by one; only the
time they are sent moves to the end of the block (still after the commit: the calls are
collected by ``on_commit`` callbacks).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from redis.exceptions import NoScriptError

log = logging.getLogger(__name__)
_local = threading.local()


@dataclass(frozen=True)
class _Call:
    script: Any  # redis.commands.core.Script
    keys: list
    args: list
    then: Callable[[Any], None] | None
    failed: Callable[[Exception], None] | None


@contextlib.contextmanager
def together() -> Iterator[None]:
    """Collect :func:`run` calls made inside (this thread) and send them in one pipeline at
    the end, also when the block raises. Nested blocks belong to the outermost one."""
    if getattr(_local, "calls", None) is not None:
        yield
        return
    _local.calls = []
    try:
        yield
    finally:
        calls, _local.calls = _local.calls, None
        _send(calls)


def run(
    script,
    *,
    keys: list,
    args: list,
    then: Callable[[Any], None] | None = None,
    failed: Callable[[Exception], None] | None = None,
) -> None:
    """Run a registered script (``client.register_script``) now, or at the end of the
    surrounding :func:`together`. Without ``failed`` an error is raised (at the end of the
    block: after every other call's ``then``)."""
    call = _Call(script, keys, args, then, failed)
    calls = getattr(_local, "calls", None)
    if calls is None:
        _send([call])
    else:
        calls.append(call)


def _alone(call: _Call) -> Any:
    try:
        return call.script(keys=call.keys, args=call.args)
    except Exception as exc:  # noqa: BLE001 - handed to the call's ``failed`` (or raised)
        return exc


def _send(calls: list[_Call]) -> None:
    if not calls:
        return
    results = [_alone(calls[0])] if len(calls) == 1 else _pipelined(calls)
    unhandled = []
    for call, result in zip(calls, results, strict=True):
        if isinstance(result, Exception) and call.failed is None:
            unhandled.append((call, result))
        else:
            _finish(call, result)
    _raise_unhandled(unhandled)


def _pipelined(calls: list[_Call]) -> list:
    pipe = calls[0].script.registered_client.pipeline(transaction=False)
    for call in calls:
        pipe.evalsha(call.script.sha, len(call.keys), *call.keys, *call.args)
    try:
        results = pipe.execute(raise_on_error=False)
    except Exception as exc:  # noqa: BLE001 - the connection failed: every call failed
        return [exc] * len(calls)
    return [
        _alone(call) if isinstance(result, NoScriptError) else result
        for call, result in zip(calls, results, strict=True)
    ]


def _finish(call: _Call, result: Any) -> None:
    if isinstance(result, Exception):
        if call.failed is not None:
            call.failed(result)
    elif call.then is not None:
        call.then(result)


def _raise_unhandled(unhandled: list) -> None:
    if unhandled:
        raise unhandled[0][1]
