"""Accountability's test fixtures: a Paris plan with a commitment, a milestone, an official and a partner."""

import pytest
from django_scopes import scopes_disabled

from plaza.accountability.tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
    PlanPartnerFactory,
)
from plaza.core.models import Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory


@pytest.fixture
def plan(paris):
    with scopes_disabled():
        return ActionPlanFactory(jurisdiction=paris, slug="climate", title="Paris climate plan")


@pytest.fixture
def commitment(plan):
    with scopes_disabled():
        return CommitmentFactory(plan=plan, number=1, title="Open data on building renovation")


@pytest.fixture
def milestone(commitment):
    with scopes_disabled():
        return MilestoneFactory(commitment=commitment, position=1, deliverable="Renovations dataset")


@pytest.fixture
def official(paris):
    user = UserFactory(public_name="Claire Official")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.OFFICIAL)
    return user


@pytest.fixture
def partner(plan):
    user = UserFactory(public_name="Sam Watchdog")
    with scopes_disabled():
        PlanPartnerFactory(plan=plan, user=user, organisation="Alternatiba")
    return user


@pytest.fixture
def assessor(paris):
    user = UserFactory(public_name="Ivy Reviewer")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.ASSESSOR)
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def run_jobs(settings, django_capture_on_commit_callbacks):
    """`run_jobs(fn, **kw)`: call fn, then run the jobs it submitted inline, as after a real commit."""
    settings.PLAZA_JOB_BACKEND = "inline"

    def run(fn, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


@pytest.fixture(autouse=True)
def fresh_cache():
    """The network view caches its members and policy areas; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
