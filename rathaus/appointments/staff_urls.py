"""Staff URLs of the appointments app (no ``app_name``: included into ``appointments``).

Wire-up (lead): in ``rathaus/appointments/urls.py`` add
``path("", include("rathaus.appointments.staff_urls"))`` so the names resolve as
``appointments:staff_day``, ``appointments:statistics`` … under ``/termine/``.
"""

from django.urls import path

from rathaus.appointments import staff_statistics_views as stats
from rathaus.appointments import staff_views as v

urlpatterns = [
    path("schalter/", v.staff_day, name="staff_day"),
    path(
        "schalter/standort/<int:location_id>/anmelden/",
        v.staff_check_in_number,
        name="staff_check_in_number",
    ),
    path("schalter/standort/<int:location_id>/aufruf/", v.staff_call_next, name="staff_call_next"),
    path(
        "schalter/standort/<int:location_id>/wartemarke/",
        v.staff_walk_in,
        name="staff_walk_in",
    ),
    path("schalter/termin/<int:appointment_id>/anmelden/", v.staff_check_in, name="staff_check_in"),
    path("schalter/termin/<int:appointment_id>/aufrufen/", v.staff_call, name="staff_call"),
    path("schalter/termin/<int:appointment_id>/erledigt/", v.staff_served, name="staff_served"),
    path(
        "schalter/termin/<int:appointment_id>/nicht-erschienen/",
        v.staff_no_show,
        name="staff_no_show",
    ),
    path("schalter/wartemarke/<int:appointment_id>/", v.staff_ticket, name="staff_ticket"),
    path("schalter/schliessung/", v.staff_closure, name="staff_closure"),
    path(
        "schalter/schliessung/<int:exception_id>/",
        v.staff_closure_detail,
        name="staff_closure_detail",
    ),
    path("anzeige/<str:display_token>/", v.display, name="display"),
    path("anzeige/<str:display_token>/aufrufe/", v.display_calls, name="display_calls"),
    path("statistik/", stats.statistics, name="statistics"),
    path("statistik/export.csv", stats.statistics_csv, name="statistics_csv"),
]
