"""JSON API under /api/v1/elections/: public results and staff entry/approval (problem+json).

``public``: published elections, results and open-data CSV (no login).
``results``: staff entry and approval of district results (four eyes).
``schemas``: what goes in and out.
"""

from ninja import Router

from rathaus.elections.api import public, results

router = Router()
router.add_router("", public.router)
router.add_router("", results.router)
