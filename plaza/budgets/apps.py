from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "plaza.budgets"
    verbose_name = _("Participatory budgets")
    default_auto_field = "django.db.models.BigAutoField"
