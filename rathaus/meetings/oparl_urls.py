from django.urls import path

from rathaus.meetings import oparl

app_name = "oparl"

urlpatterns = [
    path("", oparl.system, name="system"),
]
