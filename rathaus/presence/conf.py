"""Settings of the presence app (read with defaults; the lead documents the env vars)."""

from django.conf import settings


def solver_workers() -> int:
    """CP-SAT worker threads per solver job (RATHAUS_PRESENCE_SOLVER_WORKERS)."""
    return int(getattr(settings, "RATHAUS_PRESENCE_SOLVER_WORKERS", 2))


def progress_interval() -> float:
    """Seconds between progress writes / cancel checks of a running job."""
    return float(getattr(settings, "RATHAUS_PRESENCE_PROGRESS_INTERVAL", 0.5))


def space_time_limit() -> float:
    """Seconds for a space-planning job (RATHAUS_PRESENCE_SPACE_TIME_LIMIT)."""
    return float(getattr(settings, "RATHAUS_PRESENCE_SPACE_TIME_LIMIT", 30.0))


def demo_solve_seconds() -> float:
    """Time limit of the demo's solve of the current week at load time."""
    return float(getattr(settings, "RATHAUS_PRESENCE_DEMO_SOLVE_SECONDS", 4.0))


def deterministic_solves() -> bool:
    """Solver time limits count CP-SAT's deterministic work instead of wall-clock seconds
    (RATHAUS_PRESENCE_DETERMINISTIC): the same plan on an idle or a busy machine. The test
    suite turns it on; production keeps the wall clock that planners see."""
    return bool(getattr(settings, "RATHAUS_PRESENCE_DETERMINISTIC", False))
