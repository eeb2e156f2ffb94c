"""Demo votations: Paris's 2018 Climate Action Plan approval (closed, with ballots) and an open one.

Paris's real votation (May–June 2018, online and at polling stations) approved the plan with
95.95 % yes out of 73,765 votes; the demo keeps a small sample of ballots in that proportion so the
results page, the ballots files and `plaza-tally` have something to show. Paris also has two open
votations (one choice; ranked, with changes allowed); elsewhere: one open votation.
"""

import base64
import hashlib
from datetime import datetime, timedelta

from django.utils import timezone

from plaza.core.models import Booth, BoothTotal, CensusRecord, Person, Role, RoleGrant
from plaza.core.roll import Channel, cast_once
from plaza.votes.models import Ballot, Votation
from plaza.votes.operations import QuestionSpec, create_votation
from plaza.votes.receipts import receipt_hash

CLIMATE_SLUG = "climate-action-plan-2018"
# (answer, channel) of the demo ballots: 24 yes, 1 no; 20 online, 5 at the Hôtel de Ville.
CLIMATE_BALLOTS = [("yes", Channel.ONLINE)] * 19 + [("no", Channel.ONLINE)] + [("yes", Channel.BOOTH)] * 5
TOWN_HALL = "Hôtel de Ville"


def _admin(jurisdiction):
    grant = RoleGrant.objects.filter(jurisdiction=jurisdiction, role=Role.ADMIN, process=None).select_related("user")
    found = grant.order_by("pk").first()
    return found.user if found else None


def seed(jurisdiction, process, component) -> None:
    admin = _admin(jurisdiction)
    if admin is None:
        return
    if jurisdiction.slug == "paris":
        _climate_plan(jurisdiction, admin, component)
        _open_votation(
            jurisdiction,
            admin,
            component,
            "climate-priorities",
            "Which climate measure should Paris fund first?",
            QuestionSpec(
                "Which measure first?",
                options=("Plant 20,000 trees", "Insulate schools", "Protected cycle lanes"),
            ),
        )
        # A ranked question decided by instant-runoff, where a voter may change their online vote until closing.
        _open_votation(
            jurisdiction,
            admin,
            component,
            "new-park-name",
            "Name the new park on the Petite Ceinture",
            QuestionSpec(
                "Rank the names you like, 1 for your favourite",
                kind="ranked",
                options=("Jardin Olympe de Gouges", "Parc de la Petite Ceinture", "Jardin Simone Veil"),
            ),
            allows_changes=True,
        )
        return
    _open_votation(
        jurisdiction,
        admin,
        component,
        f"{process.slug}-approval",
        f"Approve: {process.title}",
        QuestionSpec(f"Do you approve “{process.title}”?", kind="yes_no"),
    )


def _open_votation(jurisdiction, admin, component, slug, title, question, allows_changes=False) -> None:
    if Votation.objects.filter(jurisdiction=jurisdiction, slug=slug).exists():
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    create_votation(
        actor=admin,
        jurisdiction=jurisdiction,
        component=component,
        slug=slug,
        title=title,
        description="A demo votation open to every verified resident on the census, online or at a booth.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        online=True,
        booth=True,
        booths=("Mairie du 11e arrondissement",) if jurisdiction.slug == "paris" else ("Town hall",),
        questions=[question],
        allows_changes=allows_changes,
    )


def _climate_plan(jurisdiction, admin, component) -> None:
    if Votation.objects.filter(jurisdiction=jurisdiction, slug=CLIMATE_SLUG).exists():
        return
    zone = jurisdiction.zone
    votation = create_votation(
        actor=admin,
        jurisdiction=jurisdiction,
        component=component,
        slug=CLIMATE_SLUG,
        title="Paris Climate Action Plan approval (2018)",
        description=(
            "Parisians voted on the new Climate Action Plan, co-created with residents, experts and "
            "associations, online and at polling stations. The real votation counted 73,765 votes, "
            "95.95 % yes; this demo holds a small sample of ballots in that proportion."
        ),
        opens_at=datetime(2018, 5, 22, 9, tzinfo=zone),
        closes_at=datetime(2018, 6, 4, 20, tzinfo=zone),
        online=True,
        booth=True,
        booths=(TOWN_HALL,),
        questions=[QuestionSpec("Do you approve the Paris Climate Action Plan?", kind="yes_no")],
    )
    booth = Booth.objects.get(jurisdiction=jurisdiction, election_key=votation.election_key, name=TOWN_HALL)
    records = CensusRecord.objects.filter(jurisdiction=jurisdiction, is_active=True).order_by("pk")
    for n, (record, (answer, channel)) in enumerate(zip(records[1:], CLIMATE_BALLOTS, strict=False)):
        _demo_ballot(
            votation,
            record,
            answer,
            channel,
            booth,
            datetime(2018, 5, 23, 10, tzinfo=zone) + timedelta(days=n % 10, hours=n % 8),
        )
    BoothTotal.objects.get_or_create(
        jurisdiction=jurisdiction,
        booth=booth,
        day=datetime(2018, 5, 23).date(),
        defaults={"count": 1, "reported_by": admin},
    )


def _demo_code(n: int) -> str:
    """A fixed receipt code per demo voter, so that loading the demo twice writes the same ballots."""
    return base64.b32encode(hashlib.sha256(f"plaza-demo-ballot-{n}".encode()).digest()[:10]).decode()


def _demo_ballot(votation, record, answer, channel, booth, when) -> None:
    person, _created = Person.objects.get_or_create(jurisdiction=votation.jurisdiction, census_record=record)
    at_booth = booth if channel == Channel.BOOTH else None

    def write_ballot():
        return Ballot.objects.create(
            jurisdiction=votation.jurisdiction,
            votation=votation,
            answers={"q1": [answer]},
            receipt_hash=receipt_hash(_demo_code(record.pk)),
            cast_at=when,
            channel=channel,
            booth=at_booth,
        )

    cast_once(
        jurisdiction=votation.jurisdiction,
        election_key=votation.election_key,
        person=person,
        channel=channel,
        booth=booth.name if at_booth else "",
        write_ballot=write_ballot,
        voted_at=when,
    )
