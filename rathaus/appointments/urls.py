"""URLs under /termine/: citizen pages here, staff pages (day view, call-up, display, statistics) in staff_urls."""

from django.urls import path

from rathaus.appointments import staff_urls, views

app_name = "appointments"

urlpatterns = [
    path("", views.start, name="start"),
    path("standort/<int:location_id>/", views.location_view, name="location"),
    path("standort/<int:location_id>/kalender/", views.calendar_view, name="calendar"),
    path("standort/<int:location_id>/tag/<str:day>/", views.day_view, name="day"),
    path("standort/<int:location_id>/reservieren/", views.hold_view, name="hold"),
    path("buchen/", views.details, name="details"),
    path("buchen/restzeit/", views.hold_remaining, name="hold_remaining"),
    path("buchen/gesendet/", views.sent, name="sent"),
    path("altcha/", views.altcha_challenge, name="altcha"),
    path("t/<str:token>/", views.personal, name="personal"),
    path("t/<str:token>/bestaetigen/", views.confirm, name="confirm"),
    path("t/<str:token>/absagen/", views.cancel, name="cancel"),
    path("t/<str:token>/verschieben/", views.reschedule, name="reschedule"),
    path("t/<str:token>/verschieben/<str:day>/", views.reschedule_day, name="reschedule_day"),
    path("e/<str:token>/kommen/", views.attend, name="attend"),
    path("e/<str:token>/freigeben/", views.release, name="release"),
    path("terminagent/neu/<int:municipality_id>/", views.waiting_new, name="waiting_new"),
    path("terminagent/<str:token>/", views.waiting_manage, name="waiting_manage"),
    path("angebot/<str:token>/", views.offer, name="offer"),
]

urlpatterns += staff_urls.urlpatterns
