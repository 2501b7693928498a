from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffpoolConfig(AppConfig):
    name = "rathaus.staffpool"
    verbose_name = _("Personalpool")
