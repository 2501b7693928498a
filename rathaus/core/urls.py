from django.contrib.auth import views as auth_views
from django.urls import include, path

from rathaus.core.password_reset import PasswordResetView
from rathaus.core.views import audit, directory, imports, legal, metrics, municipalities, start

core_patterns = [
    path("beschaeftigte/", directory.employees, name="employees"),
    path("raeume/", directory.rooms, name="rooms"),
    path("import/", imports.import_view, name="import"),
    path("protokoll/", audit.audit_log, name="audit"),
    path("protokoll/export.csv", audit.audit_export, {"fmt": "csv"}, name="audit_csv"),
    path("protokoll/export.xlsx", audit.audit_export, {"fmt": "xlsx"}, name="audit_xlsx"),
    path("rechtliches/", legal.edit, name="legal_edit"),
    path("kommune-wechseln/", municipalities.switch, name="switch_municipality"),
    path("kommunen/neu/", municipalities.create, name="municipality_create"),
]

urlpatterns = [
    path("", start.home, name="home"),
    path("healthz", start.healthz, name="healthz"),
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
    # kind: impressum, datenschutz or barrierefreiheit (anything else is a 404)
    path("rechtliches/<slug:kind>/", legal.choose, name="legal_choose"),
    path("rechtliches/<slug:kind>/<slug:municipality_slug>/", legal.page, name="legal_page"),
    path("metrics", metrics.metrics, name="metrics"),
    # OpenID Connect sign-in per municipality (rathaus.core.signin)
    path("konto/oidc/", include("rathaus.core.signin.urls")),
]
# The second factor: enrol, confirm a sign-in, account page (rathaus.core.twofactor)
urlpatterns += [path("konto/zweiter-faktor/", include("rathaus.core.twofactor.urls"))]
