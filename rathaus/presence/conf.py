"""Settings of the presence app, read here only, with their defaults (see docs/presence.md)."""

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
    """Limit of the demo's solve of the current week at load time, in CP-SAT's deterministic
    work units (about seconds on an idle core): 15 prove the demo week optimal, so the planner
    sees a plan without a gap; 4 left 68 % between plan and bound."""
    return float(getattr(settings, "RATHAUS_PRESENCE_DEMO_SOLVE_SECONDS", 15.0))


def deterministic_solves() -> bool:
    """Solver time limits count CP-SAT's deterministic work instead of wall-clock seconds
    (RATHAUS_PRESENCE_DETERMINISTIC): the same plan on an idle or a busy machine. The test
    suite turns it on; production keeps the wall clock that planners see."""
    return bool(getattr(settings, "RATHAUS_PRESENCE_DETERMINISTIC", False))


def heartbeat_interval() -> float:
    """Seconds between heartbeats of a running job while the solver reports nothing
    (RATHAUS_PRESENCE_HEARTBEAT_SECONDS)."""
    return float(getattr(settings, "RATHAUS_PRESENCE_HEARTBEAT_SECONDS", 15.0))


def stale_after() -> float:
    """Seconds without a heartbeat after which a running job counts as lost: its worker died
    or hangs (RATHAUS_PRESENCE_STALE_SECONDS)."""
    return float(getattr(settings, "RATHAUS_PRESENCE_STALE_SECONDS", 180.0))


def queued_stale_after() -> float:
    """Seconds a job may wait in the queue before it counts as lost; longer than
    `stale_after` because it may wait behind other towns' jobs
    (RATHAUS_PRESENCE_QUEUED_STALE_SECONDS)."""
    return float(getattr(settings, "RATHAUS_PRESENCE_QUEUED_STALE_SECONDS", 900.0))


def background_without_broker() -> bool:
    """Without a Celery broker (tasks would run inline), run solver jobs in a background
    thread of the web process, so that "Plan berechnen" answers at once and the job page shows
    the progress (RATHAUS_PRESENCE_BACKGROUND_WITHOUT_BROKER; off in the test suite, where
    jobs run inline and deterministically unless a test turns it on)."""
    default = not getattr(settings, "TESTING", False)
    return bool(getattr(settings, "RATHAUS_PRESENCE_BACKGROUND_WITHOUT_BROKER", default))


def broker_configured() -> bool:
    """True when Celery hands tasks to a broker (a worker runs them)."""
    return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True)
