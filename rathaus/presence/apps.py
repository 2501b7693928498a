from django.apps import AppConfig


class PresenceConfig(AppConfig):
    name = "rathaus.presence"
    label = "presence"
    verbose_name = "Präsenz- und Dienstplanung"
