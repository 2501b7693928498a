from django.contrib.auth import views as auth_views
from django.urls import include, path

from rathaus.core import views
from rathaus.core.password_reset import PasswordResetView

core_patterns = [
    path("beschaeftigte/", views.employees, name="employees"),
    path("raeume/", views.rooms, name="rooms"),
    path("import/", views.import_view, name="import"),
    path("protokoll/", views.audit_log, name="audit"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "konto/anmelden/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/passwort-vergessen/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("stammdaten/", include((core_patterns, "core"))),
]
