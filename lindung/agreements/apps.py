from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lindung.agreements"
    label = "agreements"
