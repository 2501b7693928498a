"""The weekly district digest of a citizen: follow a district (ALTCHA, double opt-in: the
confirmation link comes by e-mail), and — with the signed value of the link in every digest
(header ``X-Digest-Token``) — read, confirm and end the subscription."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from rathaus.core.problems import NotFound
from rathaus.participation import conf, protection
from rathaus.participation.api.common import ProblemOut, own_record
from rathaus.participation.models import DistrictFollower
from rathaus.participation.selectors import digest as selectors
from rathaus.participation.services import digest as services
from rathaus.participation.views.common import client_ip

router = Router()
DIGEST_HEADER = "HTTP_X_DIGEST_TOKEN"


class FollowIn(Schema):
    email: Annotated[str, Field(max_length=254)]
    consent: bool = False
    altcha: Annotated[str, Field(max_length=5000)] = ""


class FollowSentOut(Schema):
    district_id: int
    detail: str


class FollowerOut(Schema):
    district_id: int
    district: str
    email: str
    confirmed: bool
    weekly: bool  # the digest comes at most once a week, and only in weeks with news
    last_sent_week: str | None


def _follower_out(follower: DistrictFollower) -> dict:
    return {
        "district_id": follower.district_id,
        "district": follower.district.name,
        "email": follower.email,
        "confirmed": follower.confirmed_at is not None,
        "weekly": True,
        "last_sent_week": follower.last_week.isoformat() if follower.last_week else None,
    }


def _follower_of_link(value: str) -> DistrictFollower | None:
    follower = selectors.follower_from_link(value)
    if follower is not None and follower.confirmed_at is None:
        # an unconfirmed subscription is confirmed only within the link's 7 days
        follower = selectors.follower_from_link(value, max_age=selectors.CONFIRM_MAX_AGE)
    return follower


def _own_follower(request) -> DistrictFollower:
    return own_record(
        request,
        DIGEST_HEADER,
        _follower_of_link,
        code="not_follower",
        message=_("Der Schlüssel aus dem Link der E-Mail fehlt oder ist ungültig."),
    )


@router.post(
    "/districts/{district_id}/followers",
    response={202: FollowSentOut},
    summary="Follow a district (ALTCHA); a confirmation link is sent by e-mail",
)
def follow(request: HttpRequest, district_id: int, payload: FollowIn):
    district = selectors.public_district(district_id)
    if district is None:
        raise NotFound("not_found", _("Dieser Stadtteil wurde nicht gefunden."))
    protection.limit(client_ip(request), scope="follow", per_hour=conf.join_limit_per_hour())
    protection.verify(payload.altcha)
    services.follower_subscribe(district=district, email=payload.email, consent=payload.consent)
    return Status(
        202,
        {
            "district_id": district.pk,
            "detail": _(
                "Bitte bestätigen Sie den Link in der E-Mail, die wir Ihnen geschickt haben."
            ),
        },
    )


@router.get(
    "/followers/me",
    response={200: FollowerOut, 403: ProblemOut},
    summary="Own digest settings (header X-Digest-Token: the value of the e-mail's link)",
)
def follower_get(request: HttpRequest):
    return _follower_out(_own_follower(request))


@router.post(
    "/followers/me/confirm",
    response={200: FollowerOut, 403: ProblemOut},
    summary="Confirm the subscription (double opt-in; header X-Digest-Token)",
)
def follower_confirm(request: HttpRequest):
    follower = _own_follower(request)
    services.follower_confirm(follower=follower)
    return _follower_out(follower)


@router.delete(
    "/followers/me",
    response={204: None, 403: ProblemOut},
    summary="End the subscription; the e-mail address is deleted (header X-Digest-Token)",
)
def follower_delete(request: HttpRequest):
    services.follower_unsubscribe(follower=_own_follower(request))
    return Status(204, None)
