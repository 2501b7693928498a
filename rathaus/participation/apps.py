from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "rathaus.participation"
    label = "participation"
    verbose_name = _("Bürgerbeteiligung")

    def ready(self) -> None:
        from rathaus.participation import signals  # noqa: PLC0415 (models load first)

        signals.connect()
