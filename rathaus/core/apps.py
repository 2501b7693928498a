from django.apps import AppConfig

# Imported for its side effect: it connects the login failure counter to ``user_login_failed``.
# It imports no models, so it is safe while the app registry is being populated.
# Likewise: connects the invalidation of the cached session user (lazy model senders only).
from rathaus.core import (
    login_limits,  # noqa: F401
    usercache,  # noqa: F401
)


class CoreConfig(AppConfig):
    name = "rathaus.core"
    label = "core"
    verbose_name = "Stammdaten"
