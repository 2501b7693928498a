from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "rathaus.core.signin"
    label = "signin"
    verbose_name = _("Anmeldung über Verzeichnis")
    default_auto_field = "django.db.models.BigAutoField"
