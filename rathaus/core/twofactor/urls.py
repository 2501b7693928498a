from django.urls import path

from rathaus.core.twofactor import views

urlpatterns = [
    path("", views.account, name="second_factor"),
    path("einrichten/", views.enrol, name="second_factor_enrol"),
    path("pruefen/", views.verify, name="second_factor_verify"),
]
