"""A cheap load generator for surges (used by ``bench/appointments.py`` part (c)).

Thousands of clients, each on its own connection, released at one instant. A thread per
client (``http.client``) costs the load generator more CPU than the server spends on an
answer, on the same cores – the benchmark then measures itself. Here every client is an
asyncio task on one event loop, speaking HTTP/1.1 over ``asyncio`` streams (standard
library only, no new dependency): one process, one thread, a few hundred microseconds of
CPU per request.

Contract: :func:`run` takes a list of client coroutines' inputs and returns what each
client recorded; :func:`ping_surge` measures the same client against a trivial endpoint so
the benchmark can state the client's own overhead next to the real surge.
"""

from __future__ import annotations

import asyncio
import json
import time

HEADER_LIMIT = 64 * 1024


class HttpError(Exception):
    """The connection broke or the answer was not HTTP."""


async def request(reader, writer, host: str, method: str, path: str, body: bytes = b""):
    """One request on an open keep-alive connection: (status, body bytes)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    try:
        raw_head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
        raise HttpError(str(exc)) from exc
    lines = raw_head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError) as exc:
        raise HttpError(lines[0]) from exc
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return status, await _read_chunked(reader)
    return status, await reader.readexactly(int(headers.get("content-length", "0")))


async def _read_chunked(reader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _timed(reader, writer, host, method, path, body=b""):
    """(status, ms, decoded JSON or {}); status 0 when the connection failed."""
    t0 = time.perf_counter()
    try:
        status, raw = await request(reader, writer, host, method, path, body)
    except (HttpError, OSError, asyncio.IncompleteReadError):
        return 0, (time.perf_counter() - t0) * 1000, {}
    try:
        payload = json.loads(raw) if raw else {}
    except ValueError:
        payload = {}
    return status, (time.perf_counter() - t0) * 1000, payload


async def _citizen(port: int, body: bytes, go: asyncio.Event, post_path: str, poll_prefix: str):
    """One citizen: POST, and while the answer is 202 ask ``poll_prefix + ticket`` again
    after ``retry_after_ms``. The first answer's latency includes opening the connection,
    as for a browser. Returns (first send, final status, arrival, first send → final ms,
    [(status, ms) of every answer])."""
    await go.wait()
    sent = time.perf_counter()
    answers = []
    host = f"127.0.0.1:{port}"
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=HEADER_LIMIT)
    except OSError:
        ms = (time.perf_counter() - sent) * 1000
        return sent, 0, 0, ms, [(0, ms)]
    try:
        status, _ms, payload = await _timed(reader, writer, host, "POST", post_path, body)
        answers.append((status, (time.perf_counter() - sent) * 1000))
        final, arrival = status, payload.get("arrival", 0)
        ticket, wait_ms = payload.get("ticket", ""), payload.get("retry_after_ms", 300)
        while final == 202:
            await asyncio.sleep(wait_ms / 1000)
            status, ms, payload = await _timed(reader, writer, host, "GET", poll_prefix + ticket)
            answers.append((status, ms))
            if status != 200:
                final = status
            elif payload.get("state") == "done":
                final, arrival = payload["result"]["status"], payload["arrival"]
    finally:
        writer.close()
    return sent, final, arrival, (time.perf_counter() - sent) * 1000, answers


async def _all(port, bodies, post_path, poll_prefix):
    go = asyncio.Event()
    tasks = [
        asyncio.create_task(_citizen(port, body, go, post_path, poll_prefix)) for body in bodies
    ]
    await asyncio.sleep(0.05)  # every task is parked at the start line
    go.set()
    return await asyncio.gather(*tasks)


def run(port: int, bodies: list[bytes], post_path: str, poll_prefix: str) -> list[tuple]:
    """Release one client per body at once (each on its own connection); what each
    recorded, in the order of ``bodies`` (see :func:`_citizen`)."""
    return asyncio.run(_all(port, bodies, post_path, poll_prefix))


async def _pinger(port: int, path: str, go: asyncio.Event):
    await go.wait()
    sent = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=HEADER_LIMIT)
    except OSError:
        return 0, (time.perf_counter() - sent) * 1000
    try:
        status, _ms, _payload = await _timed(reader, writer, f"127.0.0.1:{port}", "GET", path)
    finally:
        writer.close()
    return status, (time.perf_counter() - sent) * 1000


async def _pings(port, clients, path):
    go = asyncio.Event()
    tasks = [asyncio.create_task(_pinger(port, path, go)) for _ in range(clients)]
    await asyncio.sleep(0.05)
    go.set()
    return await asyncio.gather(*tasks)


def ping_surge(port: int, clients: int, path: str = "/api/v1/ping") -> list[tuple[int, float]]:
    """The same client and the same shape (``clients`` new connections at once, one GET
    each) against a trivial endpoint: (status, ms) per client – the floor the surge's
    answers cannot beat on this machine, the client's own cost included."""
    return asyncio.run(_pings(port, clients, path))
