"""The fairness term's weight per lender (shared by the CP-SAT model and the bound)."""

from __future__ import annotations

from rathaus.engines.matching.model import Problem


def burden_scales(problem: Problem) -> dict[str, int]:
    """Burden multiplier per lender: the largest lender counts 1, smaller ones more (relative
    to size), clamped to 1..10 so that one more covered slot always outweighs the fairness
    penalty it adds (13 weeks × 10 × weight 2 < 1000)."""
    sizes = {h.lender: problem.lender_size.get(h.lender, 0) for h in problem.helpers}
    largest = max(sizes.values(), default=0) or 1
    return {
        lender: min(10, max(1, round(largest / size))) if size > 0 else 1
        for lender, size in sizes.items()
    }
