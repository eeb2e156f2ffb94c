"""Browser: the plan, commitment, timeline and progress pages are accessible and work without JavaScript."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from plaza.accountability.tests.factories import ForumMeetingFactory, ForumMemberFactory

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_public_pages_are_accessible(page, axe, milestone):
    with scopes_disabled():
        ForumMemberFactory(plan=milestone.commitment.plan, name="Ana Ruiz")
        ForumMeetingFactory(plan=milestone.commitment.plan, minutes="## Decisions\n\nAgreed.")
    for address, heading in [
        ("/paris/accountability/", "Open government action plans"),
        ("/paris/accountability/plans/climate/", "Paris climate plan"),
        ("/paris/accountability/plans/climate/commitments/1/", "Commitment 1: Open data on building renovation"),
        ("/paris/accountability/plans/climate/timeline/", "Timeline of Paris climate plan"),
    ]:
        page.goto(address)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe(page)


@pytest.mark.django_db(transaction=True)
def test_progress_form_and_its_errors_are_accessible(page, axe, sign_in, milestone, official):
    sign_in(page, official)
    page.goto("/paris/accountability/plans/climate/commitments/1/milestones/1/progress/")
    axe(page)
    page.get_by_label("Complete", exact=True).check()
    page.get_by_role("spinbutton", name="Percentage complete").fill("80")
    page.get_by_role("textbox", name="What has been done").fill("Nearly.")
    page.get_by_role("button", name="Publish this update").click()
    expect(page.get_by_role("alert")).to_contain_text("A complete milestone is 100% done")
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_official_reports_progress_without_javascript(page_without_js, sign_in, milestone, official):
    """axe-core needs JavaScript: this test checks the flow, the one above checks accessibility."""
    page = page_without_js
    sign_in(page, official)
    page.goto("/paris/accountability/plans/climate/commitments/1/")
    page.get_by_role("link", name="Report progress on milestone 1").click()
    page.get_by_label("Substantial").check()
    page.get_by_role("spinbutton", name="Percentage complete").fill("100")
    page.get_by_role("textbox", name="What has been done").fill("Most of the data is out.")
    page.get_by_role("button", name="Publish this update").click()
    expect(page.get_by_role("alert")).to_contain_text("Limited or substantial progress is between 1% and 99%")
    page.get_by_role("spinbutton", name="Percentage complete").fill("70")
    page.get_by_role("button", name="Publish this update").click()
    expect(page.get_by_text("Government's assessment: 70% complete")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_assessor_rates_a_commitment_and_the_report_is_accessible(page, axe, sign_in, commitment, assessor):
    sign_in(page, assessor)
    page.goto("/paris/accountability/plans/climate/assessment/")
    axe(page)
    page.get_by_role("link", name="Assess commitment 1").click()
    axe(page)
    page.get_by_role("button", name="Publish this assessment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
    page.get_by_label("Clearly relevant").check()
    page.get_by_label("Transformative").check()
    page.get_by_label("Substantial").check()
    page.get_by_label("Major").check()
    page.get_by_role("textbox", name="Justification").fill("Published and used by the press.")
    page.get_by_role("button", name="Publish this assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Independent assessment of Paris climate plan")
    expect(page.get_by_role("cell", name="Transformative")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_official_decides_on_a_candidate_and_the_plan_page_is_accessible(page, axe, sign_in, paris, official):
    from plaza.accountability.models import Candidate, PlanStatus
    from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory

    with scopes_disabled():
        plan = ActionPlanFactory(jurisdiction=paris, slug="2027", title="Plan 2027", status=PlanStatus.CO_CREATION)
        CommitmentFactory(plan=plan, number=1, title="Open contracting")
        Candidate.objects.create(jurisdiction=paris, plan=plan, title="Publish every tender", summary="All of them.")
    sign_in(page, official)
    page.goto("/paris/accountability/plans/2027/")
    axe(page)
    page.get_by_role("link", name="Decide on “Publish every tender”").click()
    axe(page)
    page.get_by_label("Made it into the plan").check()
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
    page.get_by_label("Commitment it became").select_option("1")
    page.get_by_role("textbox", name="Public reason").fill("It became commitment 1.")
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.get_by_text("It became commitment 1.")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_results_pages_and_the_import_report_are_accessible(page, axe, sign_in, paris, official, settings, tmp_path):
    from plaza.accountability.tests.factories import ResultFactory

    settings.PLAZA_JOB_BACKEND = "inline"
    settings.MEDIA_ROOT = tmp_path
    with scopes_disabled():
        result = ResultFactory(jurisdiction=paris, external_id="PB-1", title="Bike lanes on rue de Rivoli")
    page.goto("/paris/accountability/results/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What became of each decision")
    axe(page)
    sign_in(page, official)
    page.goto(result.get_absolute_url())
    axe(page)
    page.get_by_role("link", name="Report on this result").click()
    axe(page)
    page.get_by_label("In progress").check()
    page.get_by_role("spinbutton", name="Progress (%)").fill("60")
    page.get_by_role("textbox", name="What changed").fill("Half the lanes are painted.")
    page.get_by_role("button", name="Publish this report").click()
    expect(page.get_by_text("Half the lanes are painted.")).to_be_visible()
    page.goto("/paris/accountability/results/import/")
    axe(page)
    csv = tmp_path / "results.csv"
    csv.write_text("external_id,status,progress\nPB-1,completed,100\nPB-2,started,5\n")
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="Dry run report")).to_be_visible()
    expect(page.get_by_role("cell", name="PB-2")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_network_pages_are_accessible(page, axe, sign_in):
    from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory
    from plaza.core.models import Jurisdiction, Role
    from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory, UserFactory

    with scopes_disabled():
        ogp = JurisdictionFactory(slug="ogp-local", name="OGP Local", kind=Jurisdiction.Kind.NETWORK)
        for slug in ("tbilisi", "sao-paulo"):
            member = JurisdictionFactory(slug=slug, name=slug.title(), parent=ogp)
            plan = ActionPlanFactory(jurisdiction=member, slug="2024")
            CommitmentFactory(plan=plan, number=1, title=f"{slug} open contracting", policy_areas=["Open contracting"])
        staff = UserFactory()
        RoleGrantFactory(jurisdiction=ogp, user=staff, role=Role.NETWORK_STAFF)
    page.goto("/ogp-local/accountability/network/topics/")
    axe(page)
    page.get_by_role("link", name="Open contracting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who committed to Open contracting")
    axe(page)
    sign_in(page, staff)
    page.goto("/ogp-local/accountability/network/")
    axe(page)
    page.get_by_label("Policy area").select_option("open-contracting")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="1. tbilisi open contracting")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_plan_commitment_and_milestone_forms_are_accessible(page, axe, sign_in, paris_admin, plan):
    sign_in(page, paris_admin)
    page.goto("/paris/accountability/plans/new/")
    axe(page)
    page.get_by_role("button", name="Create the plan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
    page.goto("/paris/accountability/plans/climate/")
    page.get_by_role("link", name="Add a commitment").click()
    axe(page)
    page.get_by_role("textbox", name="Title").fill("Open contracting")
    page.get_by_role("textbox", name="Problem addressed").fill("Opaque tenders.")
    page.get_by_role("textbox", name="Description of the commitment").fill("Publish OCDS.")
    page.get_by_role("textbox", name="How it contributes to solving the problem").fill("Anyone follows tenders.")
    page.get_by_label("Access to information").check()
    page.get_by_role("textbox", name="Lead institution").fill("Procurement office")
    page.get_by_label("Start date").fill("2025-03-01")
    page.get_by_label("End date").fill("2026-03-01")
    page.get_by_role("button", name="Add the commitment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commitment 1: Open contracting")
    axe(page)
    page.get_by_role("link", name="Add a milestone").click()
    axe(page)
    page.get_by_role("textbox", name="Deliverable").fill("OCDS feed")
    page.get_by_label("Due date").fill("2025-09-01")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.get_by_role("link", name="OCDS feed")).to_be_visible()
    page.get_by_role("link", name="Add an evidence file").click()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_record_and_edit_pages_and_their_errors_are_accessible(page, axe, sign_in, milestone, official):
    sign_in(page, official)
    base = "/paris/accountability/plans/climate/"
    for address, heading, button in [
        (base + "forum/members/new/", "New forum member", "Add the member"),
        (base + "forum/meetings/new/", "Record a forum meeting", "Record the meeting"),
        (base + "commitments/1/edit/", "Edit the commitment", "Save the commitment"),
        (base + "commitments/1/milestones/1/edit/", "Edit milestone 1", "Save the milestone"),
    ]:
        page.goto(address)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe(page)
        for box in page.get_by_role("textbox").all():
            box.fill("")
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert")).to_be_visible()
        axe(page)


@pytest.mark.django_db(transaction=True)
def test_progress_import_page_and_its_errors_are_accessible(page, axe, sign_in, official):
    sign_in(page, official)
    page.goto("/paris/accountability/progress/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import milestone progress from a CSV file")
    axe(page)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_milestone_history_and_partner_progress_form_are_accessible(page, axe, sign_in, milestone, partner):
    from plaza.accountability.operations import post_progress_update

    with scopes_disabled():
        for n in range(3):
            post_progress_update(
                actor=partner,
                milestone=milestone,
                side="civil_society",
                status="limited",
                percentage=n + 1,
                narrative="x",
            )
    page.goto("/paris/accountability/plans/climate/commitments/1/milestones/1/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of milestone 1: Renovations dataset")
    axe(page)
    sign_in(page, partner)
    page.goto("/paris/accountability/plans/climate/commitments/1/milestones/1/progress/")
    expect(page.get_by_label("Evidence file", exact=True)).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_admin_edits_a_plan_and_moves_it_on_and_the_pages_are_accessible(page, axe, sign_in, paris, paris_admin):
    from plaza.accountability.models import PlanStatus
    from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory

    with scopes_disabled():
        plan = ActionPlanFactory(jurisdiction=paris, slug="2027", title="Plan 2027", status=PlanStatus.CO_CREATION)
        ForumMemberFactory(plan=plan, name="Ana Ruiz", organisation="ACIJ")
    sign_in(page, paris_admin)
    page.goto("/paris/accountability/plans/2027/")
    page.get_by_role("link", name="Edit the plan or move it to its next stage").click()
    axe(page)
    page.get_by_role("textbox", name="Title").fill("")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    axe(page)
    page.get_by_role("textbox", name="Title").fill("Open Paris 2027")
    page.get_by_role("textbox", name="Why it changed").fill("Renamed by the forum")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Paris 2027")
    page.get_by_role("link", name="Edit the plan or move it to its next stage").click()
    page.get_by_role("button", name="Move the plan to “Implementation”").click()
    expect(page.get_by_role("alert")).to_contain_text("at least one commitment")
    axe(page)
    with scopes_disabled():
        CommitmentFactory(plan=plan, number=1)
    page.get_by_role("button", name="Move the plan to “Implementation”").click()
    expect(page.locator(".lead .badge")).to_have_text("Implementation")
    page.get_by_role("link", name="Edit Ana Ruiz").click()
    axe(page)
    page.get_by_role("textbox", name="Why it is removed").fill("Left the forum")
    page.get_by_role("button", name="Remove Ana Ruiz").click()
    expect(page.get_by_text("The forum's members are not listed yet.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_official_manages_a_results_milestones_and_the_pages_are_accessible(page, axe, sign_in, paris, official):
    from plaza.accountability.tests.factories import ResultFactory

    with scopes_disabled():
        result = ResultFactory(jurisdiction=paris, title="Bike lanes on rue de Rivoli")
    sign_in(page, official)
    page.goto(result.get_absolute_url())
    page.get_by_role("link", name="Add, change or remove milestones").click()
    axe(page)
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    axe(page)
    page.get_by_role("textbox", name="Milestone").fill("Works tendered")
    page.get_by_label("Due date").fill("2026-03-01")
    page.get_by_role("button", name="Add the milestone").click()
    page.get_by_role("link", name="Edit milestone 1").click()
    axe(page)
    page.get_by_label("Done on").fill("2025-11-20")
    page.get_by_role("button", name="Save the milestone").click()
    expect(page.get_by_role("cell", name="done on")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Edit milestone 1").click()
    page.get_by_role("button", name="Remove milestone 1").click()
    expect(page.get_by_text("No milestone yet.")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_official_corrects_and_removes_a_meeting_and_the_pages_are_accessible(page, axe, sign_in, plan, official):
    with scopes_disabled():
        ForumMeetingFactory(plan=plan, title="Health roundtable", attendees=42, minutes="Agreed.")
    sign_in(page, official)
    page.goto("/paris/accountability/plans/climate/")
    page.get_by_role("link", name="Correct “Health roundtable”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the meeting “Health roundtable”")
    axe(page)
    page.get_by_role("textbox", name="Place").fill("")
    page.get_by_role("spinbutton", name="Number of attendees").fill("-3")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page)
    page.get_by_role("textbox", name="Place").fill("Usina del Arte")
    page.get_by_role("spinbutton", name="Number of attendees").fill("45")
    page.get_by_role("textbox", name="Why it changed").fill("Late sign-ins")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("45 attendees")).to_be_visible()
    expect(page.get_by_text("Corrected on")).to_be_visible()
    page.get_by_role("link", name="Remove “Health roundtable”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove the meeting “Health roundtable”")
    axe(page)
    page.get_by_role("button", name="Remove the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the meeting is removed")
    axe(page)
    page.get_by_role("textbox", name="Why it is removed").fill("Recorded twice")
    page.get_by_role("button", name="Remove the meeting").click()
    expect(page.get_by_text("Recorded twice")).to_be_visible()
    expect(page.get_by_text("No meeting recorded yet.")).to_be_visible()
    axe(page)


@pytest.mark.django_db(transaction=True)
def test_official_corrects_a_meeting_without_javascript(page_without_js, sign_in, plan, official):
    page = page_without_js
    with scopes_disabled():
        ForumMeetingFactory(plan=plan, title="Health roundtable", attendees=42)
    sign_in(page, official)
    page.goto("/paris/accountability/plans/climate/timeline/")
    page.get_by_role("link", name="Correct “Health roundtable”").click()
    page.get_by_role("spinbutton", name="Number of attendees").fill("44")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("44 attendees")).to_be_visible()
