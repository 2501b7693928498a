import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# After Django is set up: the waiting room's door answers a surge's losers before the URL
# resolver and the session/auth middleware (rathaus.core.fastpath; everything else – and
# whatever the door cannot answer exactly – goes through the Django application above).
from rathaus.appointments.api import door  # noqa: E402
from rathaus.core.fastpath import FastPath  # noqa: E402

routes = door.routes()  # none without Redis: then every request goes to Django
if routes:
    application = FastPath(application, routes)
