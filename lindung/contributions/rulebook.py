"""The contribution rule rows from the database as one plain ``rules.RuleBook`` (re-exported by ``services``)."""

from __future__ import annotations

from . import rules
from .models import (
    BpuBracket,
    IuranSetting,
    LateFeeRule,
    ReliefPeriod,
    Tariff,
    WageCap,
)

_RULE_MODELS = {
    "Tariff": Tariff,
    "BpuBracket": BpuBracket,
    "WageCap": WageCap,
    "ReliefPeriod": ReliefPeriod,
    "LateFeeRule": LateFeeRule,
    "IuranSetting": IuranSetting,
}


def load_rulebook() -> rules.RuleBook:
    """Every rule row from the database as plain data for ``rules``."""
    return rules.book_from_rows(
        {name: list(model.objects.values()) for name, model in _RULE_MODELS.items()}
    )
