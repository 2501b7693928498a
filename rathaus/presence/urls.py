from django.urls import path

from rathaus.presence import views, views_personal, views_plan

app_name = "presence"

urlpatterns = [
    path("", views.index, name="index"),
    path("zeitraeume/neu/", views.period_create, name="period_create"),
    path("zeitraeume/<int:pk>/", views.period_detail, name="period_detail"),
    path("zeitraeume/<int:pk>/bearbeiten/", views.period_edit, name="period_edit"),
    path("zeitraeume/<int:pk>/regeln/", views.period_rules, name="period_rules"),
    path("zeitraeume/<int:pk>/abwesenheiten/", views.period_absences, name="period_absences"),
    path("zeitraeume/<int:pk>/berechnen/", views_plan.period_solve, name="period_solve"),
    path("zeitraeume/<int:pk>/neu-planen/", views_plan.period_replan, name="period_replan"),
    path("zeitraeume/<int:pk>/plan/", views_plan.plan_grid, name="plan_grid"),
    path("zeitraeume/<int:pk>/raeume/", views_plan.room_view, name="rooms"),
    path(
        "zeitraeume/<int:pk>/plan/<int:employee_id>/<str:day>/",
        views_plan.cell_edit,
        name="cell_edit",
    ),
    path("zeitraeume/<int:pk>/veroeffentlichen/", views_plan.publish, name="publish"),
    path("zeitraeume/<int:pk>/export.xlsx", views_plan.export_xlsx, name="export_xlsx"),
    path("zeitraeume/<int:pk>/flaechenbedarf/", views_plan.space, name="space"),
    path("auftraege/<int:job_id>/", views_plan.job_detail, name="job_detail"),
    path("auftraege/<int:job_id>/abbrechen/", views_plan.job_cancel, name="job_cancel"),
    path("mein-plan/", views_personal.my_plan, name="my_plan"),
    path("mein-plan/wuensche/<int:pk>/loeschen/", views_personal.wish_delete, name="wish_delete"),
    path("abwesenheiten/<int:pk>/loeschen/", views_personal.absence_delete, name="absence_delete"),
    path("heute/", views_personal.today, name="today"),
    path("kalender/<str:token>.ics", views_personal.calendar_feed, name="calendar_feed"),
]
