"""URLs under /termine/: citizen pages (booking, personal link, Terminagent), then staff pages
(counter: day view, call-up, walk-ins, closures, display; statistics)."""

from django.urls import path

from rathaus.appointments.views import booking as booking_views
from rathaus.appointments.views import caller as caller_views
from rathaus.appointments.views import counter as counter_views
from rathaus.appointments.views import personal_link
from rathaus.appointments.views import statistics as statistics_views
from rathaus.appointments.views import waiting_list as waiting_list_views

app_name = "appointments"

urlpatterns = [
    path("", booking_views.start, name="start"),
    path("standort/<int:location_id>/", booking_views.location_view, name="location"),
    path("standort/<int:location_id>/kalender/", booking_views.calendar_view, name="calendar"),
    path("standort/<int:location_id>/tag/<str:day>/", booking_views.day_view, name="day"),
    path("standort/<int:location_id>/reservieren/", booking_views.hold_view, name="hold"),
    path("warteraum/<str:ticket>/", booking_views.waiting_room_view, name="waiting_room"),
    path("buchen/", booking_views.details, name="details"),
    path("buchen/restzeit/", booking_views.hold_remaining, name="hold_remaining"),
    path("buchen/gesendet/", booking_views.sent, name="sent"),
    path("altcha/", booking_views.altcha_challenge, name="altcha"),
    path("t/<str:token>/", personal_link.personal, name="personal"),
    path("t/<str:token>/termin.ics", personal_link.personal_ics, name="personal_ics"),
    path("t/<str:token>/bestaetigen/", personal_link.confirm, name="confirm"),
    path("t/<str:token>/absagen/", personal_link.cancel, name="cancel"),
    path("t/<str:token>/verschieben/", personal_link.reschedule, name="reschedule"),
    path(
        "t/<str:token>/verschieben/<str:day>/",
        personal_link.reschedule_day,
        name="reschedule_day",
    ),
    path("e/<str:token>/kommen/", personal_link.attend, name="attend"),
    path("e/<str:token>/freigeben/", personal_link.release, name="release"),
    path(
        "terminagent/neu/<int:municipality_id>/", waiting_list_views.waiting_new, name="waiting_new"
    ),
    path("terminagent/<str:token>/", waiting_list_views.waiting_manage, name="waiting_manage"),
    path("angebot/<str:token>/", waiting_list_views.offer, name="offer"),
    # staff
    path("schalter/", counter_views.staff_day, name="staff_day"),
    path(
        "schalter/standort/<int:location_id>/anmelden/",
        counter_views.staff_check_in_number,
        name="staff_check_in_number",
    ),
    path(
        "schalter/standort/<int:location_id>/aufruf/",
        counter_views.staff_call_next,
        name="staff_call_next",
    ),
    path(
        "schalter/standort/<int:location_id>/wartemarke/",
        counter_views.staff_walk_in,
        name="staff_walk_in",
    ),
    path(
        "schalter/termin/<int:appointment_id>/anmelden/",
        counter_views.staff_check_in,
        name="staff_check_in",
    ),
    path(
        "schalter/termin/<int:appointment_id>/aufrufen/",
        counter_views.staff_call,
        name="staff_call",
    ),
    path(
        "schalter/termin/<int:appointment_id>/erledigt/",
        counter_views.staff_served,
        name="staff_served",
    ),
    path(
        "schalter/termin/<int:appointment_id>/nicht-erschienen/",
        counter_views.staff_no_show,
        name="staff_no_show",
    ),
    path(
        "schalter/wartemarke/<int:appointment_id>/", counter_views.staff_ticket, name="staff_ticket"
    ),
    path("schalter/schliessung/", counter_views.staff_closure, name="staff_closure"),
    path(
        "schalter/schliessung/<int:exception_id>/",
        counter_views.staff_closure_detail,
        name="staff_closure_detail",
    ),
    path("anzeige/<str:display_token>/", counter_views.display, name="display"),
    path("anzeige/<str:display_token>/aufrufe/", counter_views.display_calls, name="display_calls"),
    path("schalter/aktuell/", counter_views.staff_day_poll, name="staff_day_poll"),
    path(
        "schalter/termin/<int:appointment_id>/erneut-aufrufen/",
        counter_views.staff_call_again,
        name="staff_call_again",
    ),
    path(
        "schalter/termin/<int:appointment_id>/rueckgaengig/",
        counter_views.staff_undo,
        name="staff_undo",
    ),
    path(
        "schalter/standort/<int:location_id>/buchen/", caller_views.caller_book, name="caller_book"
    ),
    path(
        "schalter/standort/<int:location_id>/suche/", caller_views.caller_find, name="caller_find"
    ),
    path(
        "schalter/termin/<int:appointment_id>/verschieben/",
        caller_views.caller_move,
        name="caller_move",
    ),
    path(
        "schalter/termin/<int:appointment_id>/absagen/",
        caller_views.caller_cancel,
        name="caller_cancel",
    ),
    path("statistik/", statistics_views.statistics, name="statistics"),
    path("statistik/export.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
