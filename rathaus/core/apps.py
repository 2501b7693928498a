from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rathaus.core"
    label = "core"
    verbose_name = "Stammdaten"

    def ready(self):
        from rathaus.core import login_limits  # noqa: F401 - connects the failure counter
