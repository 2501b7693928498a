"""URLs under /termine/: citizen pages here, staff pages (day view, call-up, display, statistics) in staff_urls."""

from django.urls import path

from rathaus.appointments import personal_link_views, staff_urls, views, waiting_list_views

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
    path("t/<str:token>/", personal_link_views.personal, name="personal"),
    path("t/<str:token>/bestaetigen/", personal_link_views.confirm, name="confirm"),
    path("t/<str:token>/absagen/", personal_link_views.cancel, name="cancel"),
    path("t/<str:token>/verschieben/", personal_link_views.reschedule, name="reschedule"),
    path(
        "t/<str:token>/verschieben/<str:day>/",
        personal_link_views.reschedule_day,
        name="reschedule_day",
    ),
    path("e/<str:token>/kommen/", personal_link_views.attend, name="attend"),
    path("e/<str:token>/freigeben/", personal_link_views.release, name="release"),
    path(
        "terminagent/neu/<int:municipality_id>/", waiting_list_views.waiting_new, name="waiting_new"
    ),
    path("terminagent/<str:token>/", waiting_list_views.waiting_manage, name="waiting_manage"),
    path("angebot/<str:token>/", waiting_list_views.offer, name="offer"),
]

urlpatterns += staff_urls.urlpatterns
