"""Travel time between two German postcodes, estimated from the postcode digits.

No map data here: postcodes that share their first four digits are next door, three a town
apart, two the same area, one the same region. The app may pass its own estimate instead.
"""

from __future__ import annotations

_BY_SHARED_DIGITS = {5: 10, 4: 20, 3: 35, 2: 60, 1: 120, 0: 240}


def travel_minutes(a: str, b: str) -> int:
    if not a or not b:
        return 0
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return _BY_SHARED_DIGITS[min(shared, 5)]
