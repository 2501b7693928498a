"""ALTCHA and per-IP limits for anonymous participation actions (wraps core.proof_of_work)."""

from __future__ import annotations

from rathaus.core import proof_of_work
from rathaus.participation import conf

NAMESPACE = "participation"


def create_challenge() -> dict:
    return proof_of_work.create_challenge()


def verify(payload: str | None) -> None:
    proof_of_work.verify(payload, namespace=NAMESPACE, required=conf.protection_enabled())


def limit(ip: str | None, *, scope: str, per_hour: int) -> None:
    if conf.protection_enabled():
        proof_of_work.rate_limit(namespace=NAMESPACE, scope=scope, key=ip, limit=per_hour)
