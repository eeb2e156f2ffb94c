"""Voting without an account: census match, a one-time code (e-mail or officer), then the ballot, once a person."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.models import AuditEntry
from plaza.core.operations.identity import import_census
from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import UserFactory
from plaza.votes.models import AccessCode, Ballot, Votation
from plaza.votes.operations import (
    MAX_CODE_ATTEMPTS,
    MAX_CODES_PER_HOUR,
    cast_at_booth,
    cast_online,
    cast_with_code,
    hand_over_code,
    send_access_code,
)
from plaza.votes.receipts import receipt_hash
from plaza.votes.tests.conftest import DOCUMENT

pytestmark = pytest.mark.django_db

MATCH = {"document_id": DOCUMENT["document_id"], "birth_date": DOCUMENT["birth_date"], "postal_code": "75011"}


@pytest.fixture
def on_census_with_email(voter_person):
    with scopes_disabled():
        record = voter_person.census_record
        record.email = "camille@example.org"
        record.save()
    return voter_person


def sent_code(mailoutbox) -> str:
    return re.search(r"\d{4}-\d{4}", mailoutbox[-1].body).group(0)


def counts(jurisdiction):
    with jurisdiction_scope(jurisdiction):
        return Ballot.objects.count(), VoterRollEntry.objects.count()


def test_a_code_by_email_casts_one_secret_ballot_and_is_spent(
    paris, votation, on_census_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        masked = send_access_code(votation=votation, client="1.2.3.4", **MATCH)
    assert masked == "c…@example.org" and mailoutbox[0].to == ["camille@example.org"]
    code = sent_code(mailoutbox)
    assert "/paris/votes/climate/code/vote/" in mailoutbox[0].body
    with jurisdiction_scope(paris):
        stored = AccessCode.objects.get()
        assert code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64
    receipt = cast_with_code(
        votation=votation, document_id="75a 000 001", code=code, answers={"q1": ["no"]}, client="1.2.3.4"
    )
    with jurisdiction_scope(paris):
        ballot = Ballot.objects.get()
        assert ballot.answers == {"q1": ["no"]} and ballot.voter is None
        assert ballot.receipt_hash == receipt_hash(receipt.code)
        assert VoterRollEntry.objects.get().person == on_census_with_email
        assert AccessCode.objects.get().used_at is not None
    with pytest.raises(ValidationError, match="not valid"):
        cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["yes"]}, client="x"
        )
    assert counts(paris) == (1, 1)


def test_one_person_one_vote_across_codes_accounts_and_booths(
    paris, votation, on_census_with_email, voter, booth, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_access_code(votation=votation, client="c", **MATCH)
    code = sent_code(mailoutbox)
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with pytest.raises(ValidationError, match="already voted"):
        cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["no"]}, client="c"
        )
    with pytest.raises(ValidationError, match="already voted"):
        send_access_code(votation=votation, client="c", **MATCH)
    with pytest.raises(ValidationError, match="already voted"):
        hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    assert counts(paris) == (1, 1)
    with jurisdiction_scope(paris):
        assert AccessCode.objects.get().used_at is None  # the refused cast spent nothing


def test_a_code_voter_cannot_then_vote_at_a_booth(paris, votation, voter_person, booth, officer):
    code = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    cast_with_code(
        votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["yes"]}, client="c"
    )
    with pytest.raises(ValidationError, match="already voted"):
        cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    assert counts(paris) == (1, 1)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="votes.code_handed", actor=officer).count() == 1


def test_only_officers_hand_over_codes(votation, voter_person):
    with pytest.raises(PermissionDenied):
        hand_over_code(officer=UserFactory(), votation=votation, **DOCUMENT)


def test_wrong_details_no_email_and_ineligible_people_get_a_clear_refusal(paris, votation, voter_person, mailoutbox):
    with pytest.raises(ValidationError, match="do not match the census"):
        send_access_code(votation=votation, client="c", **(MATCH | {"postal_code": "75012"}))
    with pytest.raises(ValidationError, match="no e-mail address for you"):
        send_access_code(votation=votation, client="c", **MATCH)
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(district="12e")
        votation.refresh_from_db()
    with pytest.raises(ValidationError, match="Only residents of 12e"):
        send_access_code(votation=votation, client="c", **MATCH)
    assert mailoutbox == []
    with jurisdiction_scope(paris):
        assert not AccessCode.objects.exists()


def test_a_code_dies_after_a_few_wrong_tries(paris, votation, voter_person, officer):
    code = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    for _attempt in range(MAX_CODE_ATTEMPTS):
        with pytest.raises(ValidationError, match="not valid"):
            cast_with_code(
                votation=votation, document_id=DOCUMENT["document_id"], code=wrong, answers={"q1": ["no"]}, client="c"
            )
    with pytest.raises(ValidationError, match="not valid"):  # the right code, too late
        cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["no"]}, client="d"
        )
    assert counts(paris) == (0, 0)


def test_an_expired_code_is_refused(paris, votation, voter_person, officer):
    code = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    with scopes_disabled():
        AccessCode.objects.update(issued_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now())
    with pytest.raises(ValidationError, match="expired"):
        cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["no"]}, client="c"
        )


def test_a_new_code_replaces_the_old_one(paris, votation, voter_person, officer):
    first = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    second = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    if first != second:
        with pytest.raises(ValidationError):
            cast_with_code(
                votation=votation, document_id=DOCUMENT["document_id"], code=first, answers={"q1": ["no"]}, client="c"
            )
    cast_with_code(
        votation=votation, document_id=DOCUMENT["document_id"], code=second, answers={"q1": ["no"]}, client="c"
    )
    assert counts(paris) == (1, 1)


def test_guessing_from_one_connection_is_capped(paris, votation, voter_person):
    guess = {"votation": votation, "document_id": "NOBODY", "code": "1234-5678", "answers": {"q1": ["no"]}}
    for _attempt in range(20):
        with pytest.raises(ValidationError, match="not valid"):
            cast_with_code(**guess, client="c")
    with pytest.raises(ValidationError, match="Too many attempts from this connection"):
        cast_with_code(**guess, client="c")
    # another connection is not blocked:
    with pytest.raises(ValidationError, match="not valid"):
        cast_with_code(**guess, client="d")


def test_codes_by_email_are_capped_per_person(votation, on_census_with_email, mailoutbox):
    for _n in range(MAX_CODES_PER_HOUR):
        send_access_code(votation=votation, client="c", **MATCH)
    with pytest.raises(ValidationError, match="several codes this hour"):
        send_access_code(votation=votation, client="c", **MATCH)


def test_bad_answers_write_nothing_and_keep_the_code(paris, votation, voter_person, officer):
    code = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    with pytest.raises(ValidationError):
        cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["maybe"]}, client="c"
        )
    cast_with_code(
        votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["yes"]}, client="c"
    )
    assert counts(paris) == (1, 1)


def test_the_census_file_may_carry_the_email(paris, paris_admin):
    content = (
        b"document_id,date_of_birth,postal_code,email\nZ1,1990-01-02,75001,Lou@Example.org\nZ2,1990-01-02,75001,\n"
    )
    import_census(actor=paris_admin, jurisdiction=paris, file_name="c.csv", content=content)
    with scopes_disabled():
        from plaza.core.models import CensusRecord

        assert sorted(CensusRecord.objects.values_list("email", flat=True)) == ["", "lou@example.org"]
    with pytest.raises(ValidationError, match="not an e-mail address"):
        import_census(
            actor=paris_admin, jurisdiction=paris, file_name="c.csv", content=content.replace(b"Lou@", b"Lou at ")
        )


# --- Pages, without JavaScript ------------------------------------------------------------------


def test_the_pages_take_a_resident_without_an_account_from_census_to_receipt(
    client, paris, votation, on_census_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    page = client.get("/paris/votes/climate/").content.decode()
    assert 'href="/paris/votes/climate/code/"' in page
    form = {"document_id": DOCUMENT["document_id"], "date_of_birth": "1980-05-17", "postal_code": "75011"}
    wrong = client.post("/paris/votes/climate/code/", form | {"postal_code": "99999"})
    assert wrong.status_code == 400 and "do not match the census" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/paris/votes/climate/code/", form)
    assert sent.status_code == 200 and "c…@example.org" in sent.content.decode()
    code = sent_code(mailoutbox)
    ballot = client.get("/paris/votes/climate/code/vote/").content.decode()
    assert 'name="code"' in ballot and 'name="q1"' in ballot
    bad = client.post("/paris/votes/climate/code/vote/", {"document_id": "75A000001", "code": "0", "q1": "yes"})
    assert bad.status_code == 400 and "This code is not valid" in bad.content.decode()
    done = client.post("/paris/votes/climate/code/vote/", {"document_id": "75A000001", "code": code, "q1": "yes"})
    assert done.status_code == 200 and "Your receipt code" in done.content.decode()
    assert done["Cache-Control"] == "no-store"
    assert counts(paris) == (1, 1)


def test_an_officer_hands_over_a_code_on_the_booth_page(client, paris, votation, voter_person, officer):
    client.force_login(officer)
    assert "Hand over a voting code" in client.get("/paris/votes/climate/").content.decode()
    form = {"document_id": DOCUMENT["document_id"], "date_of_birth": "1980-05-17", "postal_code": "75011"}
    done = client.post("/paris/votes/climate/booth/code/", form)
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    code = re.search(r"<code>(\d{4}-\d{4})</code>", done.content.decode()).group(1)
    client.logout()
    cast = client.post("/paris/votes/climate/code/vote/", {"document_id": "75A000001", "code": code, "q1": "no"})
    assert cast.status_code == 200 and counts(paris) == (1, 1)
    client.force_login(UserFactory())
    assert client.get("/paris/votes/climate/booth/code/").status_code == 403


def test_another_jurisdictions_census_gets_no_code(paris, madrid, votation, officer, mailoutbox):
    from plaza.core.tests.factories import CensusRecordFactory

    with scopes_disabled():
        CensusRecordFactory(jurisdiction=madrid, email="ana@example.es", **DOCUMENT)
    with pytest.raises(ValidationError, match="do not match the census"):
        send_access_code(votation=votation, client="c", **MATCH)
    with pytest.raises(ValidationError, match="not on the census"):
        hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    assert mailoutbox == [] and counts(paris) == (0, 0)


# --- Codes by text message ----------------------------------------------------------------------


@pytest.fixture
def on_census_with_phone(voter_person):
    with scopes_disabled():
        record = voter_person.census_record
        record.phone = "+33612345678"
        record.save()
    return voter_person


def sent_sms_code(sms_outbox) -> str:
    return re.search(r"\d{4}-\d{4}", sms_outbox[-1].body).group(0)


def test_a_code_by_text_message_casts_one_ballot(
    paris, votation, on_census_with_phone, sms_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        masked = send_access_code(votation=votation, client="1.2.3.4", channel="sms", **MATCH)
    assert masked == "•••• 5678" and mailoutbox == []
    assert [m.to for m in sms_outbox] == ["+33612345678"]
    with jurisdiction_scope(paris):
        access = AccessCode.objects.get()
        assert access.delivery == AccessCode.Delivery.SMS
        assert AuditEntry.objects.get(action="votes.code_sent").data == {"channel": "sms"}
    cast_with_code(
        votation=votation,
        document_id=DOCUMENT["document_id"],
        code=sent_sms_code(sms_outbox),
        answers={"q1": ["yes"]},
        client="1.2.3.4",
    )
    assert counts(paris) == (1, 1)


def test_the_text_message_is_short_in_every_language():
    from django.utils import translation

    from plaza.core.sms import segments
    from plaza.votes.operations import code_text_message

    for language in ("en", "es", "fr", "pt"):
        with translation.override(language):
            body = code_text_message("1234-5678")
        assert "1234-5678" in body and "30" in body
        assert segments(body) <= (1 if language == "en" else 2), (language, body)


def test_a_missing_contact_is_refused_with_what_else_to_do(paris, votation, voter_person, sms_outbox, settings):
    with pytest.raises(ValidationError, match="no mobile number for you. A poll officer"):
        send_access_code(votation=votation, client="c", channel="sms", **MATCH)
    with scopes_disabled():
        voter_person.census_record.email = "camille@example.org"
        voter_person.census_record.save()
    with pytest.raises(ValidationError, match="no mobile number for you. Ask for the code by e-mail"):
        send_access_code(votation=votation, client="c", channel="sms", **MATCH)
    with scopes_disabled():
        voter_person.census_record.email, voter_person.census_record.phone = "", "+33612345678"
        voter_person.census_record.save()
    with pytest.raises(ValidationError, match="no e-mail address for you. Ask for the code by text message"):
        send_access_code(votation=votation, client="c", **MATCH)
    settings.SMS_BACKEND = ""
    with pytest.raises(ValidationError, match="cannot be sent this way"):
        send_access_code(votation=votation, client="c", channel="sms", **MATCH)
    with pytest.raises(ValidationError, match="no e-mail address for you. A poll officer"):
        send_access_code(votation=votation, client="c", **MATCH)
    assert sms_outbox == []
    with jurisdiction_scope(paris):
        assert not AccessCode.objects.exists()


def test_the_code_page_offers_text_messages_only_where_they_can_be_sent(
    client, paris, votation, on_census_with_phone, sms_outbox, settings, django_capture_on_commit_callbacks
):
    form = {"document_id": DOCUMENT["document_id"], "date_of_birth": "1980-05-17", "postal_code": "75011"}
    page = client.get("/paris/votes/climate/code/").content.decode()
    assert 'name="channel" value="sms"' in page and "or the mobile number" in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/paris/votes/climate/code/", form | {"channel": "sms"})
    assert sent.status_code == 200 and "•••• 5678" in sent.content.decode()
    code = sent_sms_code(sms_outbox)
    done = client.post("/paris/votes/climate/code/vote/", {"document_id": "75A000001", "code": code, "q1": "yes"})
    assert done.status_code == 200 and counts(paris) == (1, 1)
    settings.SMS_BACKEND = ""
    page = client.get("/paris/votes/climate/code/").content.decode()
    assert 'name="channel"' not in page and "Codes are not sent by text message" in page
