"""The appointments API mounted at ``/api/v1/appointments/``: citizen endpoints at the root,
staff endpoints under ``staff/``."""

from ninja import Router

from rathaus.appointments.api import citizen, staff

router = Router()
router.add_router("", citizen.router)
router.add_router("/staff/", staff.router)
