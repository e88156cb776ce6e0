from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "lindung.common"
    label = "common"
