"""JSON API under /api/v1/participation/ (OpenAPI at /api/docs, errors as problem+json): one
module per feature, joined into one router here."""

from ninja import Router

from rathaus.participation.api import ideas

router = Router(tags=["participation"])
router.add_router("", ideas.router)
