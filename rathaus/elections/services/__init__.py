"""Writes of the elections app, one module per feature.

``elections``: setting up an election with candidates and districts, its status.
``results``: entering and approving district results with four eyes.
``imports``: votemanager open-data CSV import (checked first, written on commit).
``runoff``: after the count, the lot and the runoff (§ 46c KWahlG NRW).

All services take keyword arguments, run in a transaction, lock the rows they change, write an
audit entry and bump the public cache version when published figures change.
"""
