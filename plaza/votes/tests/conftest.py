"""Fixtures of the votes tests: an open votation in Paris, a verified voter with two accounts, an officer."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from plaza.core.models import Role
from plaza.core.tests.factories import (
    CensusRecordFactory,
    PersonFactory,
    RoleGrantFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.votes import queries
from plaza.votes.tests.factories import BoothFactory, VotationFactory

DOCUMENT = {"document_id": "75A000001", "birth_date": date(1980, 5, 17), "postal_code": "75011"}


@pytest.fixture
def votation(paris):
    # Every test makes "the same" votation anew: none kept by the lean ballot path from an earlier test (whose stale
    # copy would only send the first ballot to the normal endpoint, as it does in production after a change).
    queries._ballot_votations.clear()
    with scopes_disabled():
        return VotationFactory(jurisdiction=paris, slug="climate", title="Climate plan")


@pytest.fixture
def booth(votation):
    with scopes_disabled():
        return BoothFactory(votation=votation, name="Town hall")


@pytest.fixture
def voter_person(paris):
    with scopes_disabled():
        record = CensusRecordFactory(jurisdiction=paris, district="11e", **DOCUMENT)
        return PersonFactory(jurisdiction=paris, census_record=record)


@pytest.fixture
def voter(paris, voter_person):
    with scopes_disabled():
        return VerificationFactory(jurisdiction=paris, person=voter_person, user=UserFactory()).user


@pytest.fixture
def second_account(paris, voter_person):
    """Another account verified as the same person."""
    with scopes_disabled():
        return VerificationFactory(jurisdiction=paris, person=voter_person, user=UserFactory()).user


@pytest.fixture
def officer(paris):
    user = UserFactory(email="officer@paris.example")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.POLL_OFFICER)
    return user
