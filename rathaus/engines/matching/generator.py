"""Random but reproducible problems of any size (benchmarks, property tests)."""

from __future__ import annotations

import random

from rathaus.engines.matching.model import Helper, Problem, Request

SKILLS = [
    "contact_tracing",
    "team_lead",
    "hotline",
    "citizen_office",
    "admin_law",
    "social_work",
    "it_support",
    "data_entry",
]


def generate(
    helpers: int = 5000, requests: int = 300, *, weeks: int = 12, lenders: int = 20, seed: int = 0
) -> Problem:
    rng = random.Random(seed)
    postcodes = [f"59{rng.randint(100, 999)}" for _ in range(lenders)]
    out_h = []
    for i in range(helpers):
        lender = rng.randrange(lenders)
        first = rng.randrange(0, weeks // 2)
        skills = {rng.choice(SKILLS[2:])}
        if rng.random() < 0.6:
            skills.add("contact_tracing")
        if rng.random() < 0.15:
            skills.add("team_lead")
        out_h.append(
            Helper(
                id=f"h{i:05d}",
                lender=f"m{lender}",
                unit=f"m{lender}-u{rng.randrange(5)}",
                skills=frozenset(skills),
                available_weeks=frozenset(range(first, min(weeks, first + rng.randint(4, weeks)))),
                postcode=postcodes[lender],
                max_travel_minutes=rng.choice([35, 60, 120]),
                shifts=rng.random() < 0.5,
                weekends=rng.random() < 0.3,
                remote=rng.random() < 0.7,
            )
        )
    out_r = []
    for j in range(requests):
        first = rng.randrange(0, weeks - 2)
        team = rng.random() < 0.3
        out_r.append(
            Request(
                id=f"r{j:04d}",
                requester=f"m{rng.randrange(lenders)}" if rng.random() < 0.8 else "region",
                slots=5 * rng.randint(1, 3) if team else rng.randint(1, 6),
                first_week=first,
                last_week=min(weeks - 1, first + rng.randint(0, 5)),
                required_skills=frozenset(
                    {"contact_tracing"} if team else {rng.choice(SKILLS[2:])}
                ),
                desired_skills=frozenset({rng.choice(SKILLS)}),
                remote=rng.random() < 0.4,
                site_postcode=rng.choice(postcodes),
                shifts=rng.random() < 0.2,
                team_size=5 if team else 0,
                lead_skill="team_lead" if team else "",
            )
        )
    lendable = {
        (f"m{m}", f"m{m}-u{u}", w): rng.randint(2, 12)
        for m in range(lenders)
        for u in range(5)
        for w in range(weeks)
    }
    sizes = {f"m{m}": rng.randint(80, 2000) for m in range(lenders)}
    return Problem(tuple(out_h), tuple(out_r), lendable=lendable, lender_size=sizes)
