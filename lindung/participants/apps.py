from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "lindung.participants"
    label = "participants"
