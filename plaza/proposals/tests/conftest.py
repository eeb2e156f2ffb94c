"""Fixtures of the proposals component's tests."""

import pytest

from plaza.proposals.tests.factories import open_component


@pytest.fixture
def component(madrid, unscoped):
    return open_component(madrid)
