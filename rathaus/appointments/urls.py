from django.urls import path

from rathaus.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.start, name="start"),
    path("t/<str:token>/", views.personal, name="personal"),
    path("t/<str:token>/bestaetigen/", views.confirm, name="confirm"),
    path("e/<str:token>/kommen/", views.attend, name="attend"),
    path("e/<str:token>/freigeben/", views.release, name="release"),
    path("terminagent/<str:token>/", views.waiting_manage, name="waiting_manage"),
    path("angebot/<str:token>/", views.offer, name="offer"),
]
