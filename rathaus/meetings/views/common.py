"""Helpers shared by the meetings views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from rathaus.meetings.rules import PERM_VIEW


def require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def require_view(user) -> None:
    require(user, PERM_VIEW)


def to_meeting(meeting_id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:meeting", args=[meeting_id]) + anchor)


def to_body(body_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:body", args=[body_id]))
