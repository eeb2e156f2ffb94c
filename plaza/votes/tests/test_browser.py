"""The votes pages in a real browser: each flow without JavaScript, and axe-core on each page type (with it)."""

import pytest
from playwright.sync_api import expect

from plaza.votes.operations import cast_online
from plaza.votes.tests.conftest import DOCUMENT
from plaza.votes.tests.test_pages import close

pytestmark = pytest.mark.browser


def _vote_and_check_receipt(page, axe=None):
    check = axe or (lambda page: None)  # axe-core needs JavaScript
    page.goto("/paris/votes/climate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate plan")
    check(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    check(page)
    code = page.locator(".receipt-code code").inner_text()
    page.goto("/paris/votes/climate/receipt/")
    page.get_by_label("Receipt code").fill(code)
    page.get_by_role("button", name="Find my ballot").click()
    expect(page.get_by_role("heading", name="Your ballot is in the count")).to_be_visible()
    check(page)


def test_voting_without_javascript_shows_the_receipt(page_without_js, sign_in, votation, voter):
    sign_in(page_without_js, voter)
    page_without_js.goto("/paris/votes/climate/")
    _vote_and_check_receipt(page_without_js)


def test_ballot_and_receipt_pages_are_accessible(page, axe, sign_in, votation, voter):
    sign_in(page, voter)
    page.goto("/paris/votes/climate/")
    _vote_and_check_receipt(page, axe)


def test_a_refused_ballot_shows_the_error_summary(page, axe, sign_in, votation, voter):
    sign_in(page, voter)
    page.goto("/paris/votes/climate/")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("alert")).to_contain_text("Answer this question")
    axe(page)


def test_results_page(page, axe, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    close(votation)
    page.goto("/paris/votes/climate/results/")
    expect(page.get_by_role("table").first).to_contain_text("100.00 %")
    axe(page)
    page.goto("/paris/votes/")
    axe(page)


def _record_at_booth(page, check):
    page.goto("/paris/votes/climate/booth/")
    check(page)
    page.get_by_label("Identity document number").fill(DOCUMENT["document_id"])
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Postal code").fill(DOCUMENT["postal_code"])
    page.get_by_label("No").check()
    page.get_by_role("button", name="Record the ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ballot recorded")
    check(page)


def test_booth_without_javascript(page_without_js, sign_in, votation, booth, officer, voter_person):
    sign_in(page_without_js, officer)
    _record_at_booth(page_without_js, lambda page: None)


def test_booth_pages_are_accessible(page, axe, sign_in, votation, booth, officer, voter_person):
    sign_in(page, officer)
    _record_at_booth(page, axe)
    page.goto("/paris/votes/climate/booth/totals/")
    axe(page)


def test_admin_set_up_page(page, axe, sign_in, paris_admin, votation):
    sign_in(page, paris_admin)
    page.goto("/paris/votes/new/")
    axe(page)
    page.goto("/paris/votes/climate/booth/totals/")
    expect(page.get_by_role("heading", name="Reconciliation")).to_be_visible()
    axe(page)


def _hand_over_and_vote_with_code(page, sign_in, officer, check):
    sign_in(page, officer)
    page.goto("/paris/votes/climate/booth/code/")
    check(page)
    page.get_by_label("Identity document number").fill(DOCUMENT["document_id"])
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Postal code").fill(DOCUMENT["postal_code"])
    page.get_by_role("button", name="Give a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voting code")
    check(page)
    code = page.locator(".receipt-code code").inner_text()
    page.context.clear_cookies()  # the resident has no account
    page.goto("/paris/votes/climate/")
    page.get_by_role("link", name="Vote with a one-time code").click()
    check(page)
    page.get_by_role("link", name="I already have a code").click()
    page.get_by_label("Identity document number").fill(DOCUMENT["document_id"])
    page.get_by_label("One-time code").fill(code)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is recorded")
    check(page)


def test_voting_with_a_code_without_javascript(page_without_js, sign_in, votation, officer, voter_person):
    _hand_over_and_vote_with_code(page_without_js, sign_in, officer, lambda page: None)


def test_code_pages_are_accessible(page, axe, sign_in, votation, officer, voter_person):
    _hand_over_and_vote_with_code(page, sign_in, officer, axe)
    page.goto("/paris/votes/climate/code/vote/")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)


def test_ranked_ballot_and_changing_a_vote_are_accessible(page, axe, sign_in, paris, paris_admin, voter):
    from datetime import timedelta

    from django.utils import timezone

    from plaza.votes.operations import QuestionSpec, create_votation

    now = timezone.now()
    create_votation(
        actor=paris_admin,
        jurisdiction=paris,
        title="Park name",
        slug="park",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        allows_changes=True,
        questions=[QuestionSpec("Name the park", kind="ranked", options=("Oak", "Elm", "Ash"))],
    )
    sign_in(page, voter)
    page.goto("/paris/votes/park/")
    axe(page)
    page.get_by_label("Elm").select_option("1")
    page.get_by_label("Oak").select_option("2")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your change code")).to_be_visible()
    change_code = page.locator(".receipt-code code").nth(1).inner_text()
    page.goto("/paris/votes/park/")
    expect(page.get_by_role("heading", name="Change your vote")).to_be_visible()
    axe(page)
    page.get_by_label("Change code").fill(change_code)
    page.get_by_label("Ash").select_option("1")
    page.get_by_role("button", name="Replace my vote").click()
    expect(page.get_by_text("replaces the earlier one")).to_be_visible()
    axe(page)


def test_asking_for_a_code_by_email_or_text_message_is_accessible(
    page, axe, votation, voter_person, mailoutbox, sms_outbox
):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        voter_person.census_record.email = "camille@example.org"
        voter_person.census_record.phone = "+33612345678"
        voter_person.census_record.save()
    page.goto("/paris/votes/climate/code/")
    axe(page)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the error summary of an empty form
    axe(page)
    page.get_by_label("Identity document number").fill(DOCUMENT["document_id"])
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Postal code").fill(DOCUMENT["postal_code"])
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your code is on its way")
    expect(page.get_by_role("status")).to_contain_text("c…@example.org")
    axe(page)
    assert mailoutbox and mailoutbox[-1].to == ["camille@example.org"]
    page.goto("/paris/votes/climate/code/")
    page.get_by_label("Identity document number").fill(DOCUMENT["document_id"])
    page.get_by_label("Date of birth").fill("1980-05-17")
    page.get_by_label("Postal code").fill(DOCUMENT["postal_code"])
    page.get_by_label("By text message (SMS)").check()
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("status")).to_contain_text("•••• 5678")
    assert sms_outbox and sms_outbox[-1].to == "+33612345678"


def test_a_votation_from_a_proposal_and_the_turnout_charts_are_accessible(page, axe, sign_in, paris, paris_admin):
    from datetime import timedelta

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from plaza.core.operations.links import send_to
    from plaza.core.tests.factories import (
        CensusRecordFactory,
        ComponentFactory,
        PersonFactory,
        VerificationFactory,
    )
    from plaza.proposals.tests.factories import ProposalFactory
    from plaza.votes.models import Votation
    from plaza.votes.operations import update_votation

    with scopes_disabled():
        component = ComponentFactory(process__jurisdiction=paris, manifest_name="votes", title="Binding votes")
        proposal = ProposalFactory(component__process__jurisdiction=paris, title="Trees on every schoolyard")
    send_to(actor=paris_admin, source=proposal, component=component, kind="decision", note="Threshold met")
    with scopes_disabled():
        votation = Votation.objects.get()
    now = timezone.now()
    update_votation(
        actor=paris_admin, votation=votation, opens_at=now - timedelta(hours=3), closes_at=now + timedelta(hours=1)
    )
    update_votation(actor=paris_admin, votation=votation, is_published=True)
    with scopes_disabled():
        voters = [
            VerificationFactory(
                jurisdiction=paris,
                person=PersonFactory(
                    jurisdiction=paris,
                    census_record=CensusRecordFactory(jurisdiction=paris, gender=g, district="11e"),
                ),
            ).user
            for g in ("F", "M", "F")
        ]
    for user in voters:
        cast_online(actor=user, votation=votation, answers={"q1": ["yes"]})
    sign_in(page, paris_admin)
    page.goto(votation.get_absolute_url())
    expect(page.get_by_text("Comes from")).to_be_visible()
    axe(page)
    close(votation)
    page.goto(votation.get_absolute_url() + "results/")
    expect(page.get_by_text("Turnout by gender", exact=True)).to_be_visible()
    axe(page)
