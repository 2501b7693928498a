from django.urls import path

from rathaus.presence.views import (
    absences,
    conflicts,
    my_plan,
    periods,
    plan,
    publishing,
    rules,
    solving,
    space,
    today,
)

app_name = "presence"

urlpatterns = [
    path("", periods.index, name="index"),
    path("zeitraeume/neu/", periods.period_create, name="period_create"),
    path("zeitraeume/<int:pk>/", periods.period_detail, name="period_detail"),
    path("zeitraeume/<int:pk>/bearbeiten/", periods.period_edit, name="period_edit"),
    path("zeitraeume/<int:pk>/regeln/", rules.period_rules, name="period_rules"),
    path("zeitraeume/<int:pk>/abwesenheiten/", absences.period_absences, name="period_absences"),
    path("zeitraeume/<int:pk>/berechnen/", solving.period_solve, name="period_solve"),
    path("zeitraeume/<int:pk>/neu-planen/", solving.period_replan, name="period_replan"),
    path("zeitraeume/<int:pk>/plan/", plan.plan_grid, name="plan_grid"),
    path("zeitraeume/<int:pk>/raeume/", plan.room_view, name="rooms"),
    path(
        "zeitraeume/<int:pk>/plan/<int:employee_id>/<str:day>/",
        plan.cell_edit,
        name="cell_edit",
    ),
    path("zeitraeume/<int:pk>/veroeffentlichen/", publishing.publish, name="publish"),
    path(
        "zeitraeume/<int:pk>/konflikte/<int:absence_id>/loesen/",
        conflicts.conflict_resolve,
        name="conflict_resolve",
    ),
    path("zeitraeume/<int:pk>/export.xlsx", plan.export_xlsx, name="export_xlsx"),
    path("zeitraeume/<int:pk>/flaechenbedarf/", space.space, name="space"),
    path("auftraege/<int:job_id>/", solving.job_detail, name="job_detail"),
    path("auftraege/<int:job_id>/abbrechen/", solving.job_cancel, name="job_cancel"),
    path("mein-plan/", my_plan.my_plan, name="my_plan"),
    path("mein-plan/wuensche/<int:pk>/loeschen/", my_plan.wish_delete, name="wish_delete"),
    path("abwesenheiten/<int:pk>/loeschen/", absences.absence_delete, name="absence_delete"),
    path("heute/", today.today, name="today"),
    path("kalender/<str:token>.ics", my_plan.calendar_feed, name="calendar_feed"),
]
