from django.urls import include, path

from config.api import api
from rathaus.core.admin import site as admin_site

urlpatterns = [
    path("", include("rathaus.core.urls")),
    path("termine/", include("rathaus.appointments.urls")),
    path("planung/", include("rathaus.presence.urls")),
    path("wahlen/", include("rathaus.elections.urls")),
    path("steuerung/", include("rathaus.steering.urls")),
    path("gremien/", include("rathaus.meetings.urls")),
    path("oparl/v1/", include("rathaus.meetings.oparl_urls")),
    path("beteiligung/", include("rathaus.participation.urls")),
    path("personalpool/", include("rathaus.staffpool.urls")),
    path("standards/", include("rathaus.standards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/", api.urls),
]

# Error pages in the site's KERN look, translated (rathaus/core/views/errors.py).
handler400 = "rathaus.core.views.errors.bad_request"
handler403 = "rathaus.core.views.errors.permission_denied"
handler404 = "rathaus.core.views.errors.page_not_found"
handler500 = "rathaus.core.views.errors.server_error"
