from django.urls import path

from rathaus.core.signin import views

urlpatterns = [
    path(
        "<slug:municipality_slug>/anmelden/",
        views.OidcSignInStart.as_view(),
        name="oidc_start",
    ),
    path("rueckkehr/", views.OidcSignInReturn.as_view(), name="oidc_callback"),
]
