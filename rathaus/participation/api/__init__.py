"""JSON API under /api/v1/participation/ (OpenAPI at /api/docs, errors as problem+json): one
module per feature, joined into one router here."""

from ninja import Router

from rathaus.participation.api import (
    conferences,
    consent,
    digest,
    ideas,
    maps,
    polls,
    questions,
)

router = Router(tags=["participation"])
router.add_router("", ideas.router)
router.add_router("", polls.router)
router.add_router("", maps.router)
router.add_router("", conferences.router)
router.add_router("", questions.router)
router.add_router("", digest.router)
router.add_router("", consent.router)
