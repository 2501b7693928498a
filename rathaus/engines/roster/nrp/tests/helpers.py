"""Builders for small NRP instances in the benchmark's text format."""

from __future__ import annotations

import os
from pathlib import Path

HEADER = "# test instance\n"


def nrp_dir() -> Path:
    """Where the 24 benchmark files live: $RATHAUS_NRP_DIR or ../shared/benchmarks/nrp."""
    env = os.environ.get("RATHAUS_NRP_DIR")
    if env:
        return Path(env)
    # tests -> nrp -> roster -> engines -> rathaus -> repo root
    return (Path(__file__).resolve().parents[5] / "../shared/benchmarks/nrp").resolve()


def instance_text(
    horizon: int,
    shifts: list[str],
    staff: list[str],
    days_off: list[str] = (),  # type: ignore[assignment]
    on: list[str] = (),  # type: ignore[assignment]
    off: list[str] = (),  # type: ignore[assignment]
    cover: list[str] = (),  # type: ignore[assignment]
) -> str:
    parts = [
        HEADER,
        f"SECTION_HORIZON\n{horizon}\n",
        "SECTION_SHIFTS\n" + "\n".join(shifts) + "\n",
        "SECTION_STAFF\n" + "\n".join(staff) + "\n",
        "SECTION_DAYS_OFF\n" + "\n".join(days_off) + "\n",
        "SECTION_SHIFT_ON_REQUESTS\n" + "\n".join(on) + "\n",
        "SECTION_SHIFT_OFF_REQUESTS\n" + "\n".join(off) + "\n",
        "SECTION_COVER\n" + "\n".join(cover) + "\n",
    ]
    return "\n".join(parts)
