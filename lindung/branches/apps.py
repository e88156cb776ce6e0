from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "lindung.branches"
    label = "branches"
    verbose_name = _("BPJS branch offices")
