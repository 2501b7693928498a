from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "rathaus.elections"
    label = "elections"
    verbose_name = "Wahlen"
