"""A finished budget's .pb export is accepted by pabulib-checker (the format's own validator)."""

import pytest
from pabulib.checker import Checker

from plaza.budgets import operations
from plaza.budgets.models import Budget
from plaza.budgets.tests.conftest import make_resident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-complete"])
def test_export_passes_the_checker(paris, paris_admin, budget, heading, projects, rule, tmp_path):
    budget.rule = rule
    budget.save()
    for picks in ([0], [0], [0, 2], [1, 2], [1]):
        operations.cast_ballot(
            actor=make_resident(paris), budget=budget, heading=heading, choices={projects[i].pk: 1 for i in picks}
        )
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    path = tmp_path / "paris_2026_11e.pb"
    path.write_text(operations.export_pb(heading), encoding="utf-8")
    report = Checker().process_files([str(path)])
    assert report[path.stem]["results"]["errors"] == {}, report
