"""Factories for core's tables, for every app's tests."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from plaza.core.census import document_hash, match_hash
from plaza.core.geocoding import derived_address_id, number_key, number_value, street_key, street_type
from plaza.core.models import (
    ApiToken,
    Booth,
    CensusRecord,
    ComponentInstance,
    ComponentStep,
    GazetteerEntry,
    GazetteerName,
    Jurisdiction,
    Person,
    Phase,
    Process,
    Role,
    RoleGrant,
    User,
    Verification,
)


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"City {n}")
    kind = Jurisdiction.Kind.CITY
    languages = factory.LazyFunction(lambda: ["en", "es", "fr", "pt"])
    default_language = "en"
    time_zone = "Europe/Madrid"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    public_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def confirmed(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            self.save()
            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    slug = factory.Sequence(lambda n: f"process-{n}")
    title = factory.Sequence(lambda n: f"Process {n}")
    is_published = True
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=10))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=50))


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    jurisdiction = factory.SelfAttribute("process.jurisdiction")
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Phase {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComponentInstance

    process = factory.SubFactory(ProcessFactory)
    jurisdiction = factory.SelfAttribute("process.jurisdiction")
    manifest_name = "page"
    slug = factory.Sequence(lambda n: f"component-{n}")
    title = factory.Sequence(lambda n: f"Component {n}")


class ComponentStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComponentStep

    phase = factory.SubFactory(PhaseFactory)
    component = factory.SubFactory(ComponentFactory, process=factory.SelfAttribute("..phase.process"))
    jurisdiction = factory.SelfAttribute("phase.jurisdiction")
    actions = factory.LazyFunction(lambda: ["comment"])


class CensusRecordFactory(factory.django.DjangoModelFactory):
    """A census row; pass document_id, birth_date and postal_code to know what matches it."""

    class Meta:
        model = CensusRecord
        exclude = ("document_id", "birth_date", "postal_code")

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    document_id = factory.Sequence(lambda n: f"X{n:07d}")
    birth_date = date(1980, 5, 17)
    postal_code = "28013"
    document_hash = factory.LazyAttribute(lambda o: document_hash(o.jurisdiction.pk, o.document_id))
    match_hash = factory.LazyAttribute(
        lambda o: match_hash(o.jurisdiction.pk, o.document_id, o.birth_date, o.postal_code)
    )
    birth_year = factory.LazyAttribute(lambda o: o.birth_date.year)


class BoothFactory(factory.django.DjangoModelFactory):
    """A polling booth of an election named by its roll key (apps' factories key it by their votation or budget)."""

    class Meta:
        model = Booth

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    election_key = "tests.election:1"
    name = factory.Sequence(lambda n: f"Booth {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    census_record = factory.SubFactory(CensusRecordFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))


class VerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verification

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    user = factory.SubFactory(UserFactory)
    person = factory.SubFactory(PersonFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    level = Verification.Level.VERIFIED


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An API token issued by the real operation; its one-time secret is on `.secret`."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    scope = ApiToken.Scope.READ
    jurisdiction = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from plaza.core.operations.api_tokens import create_api_token

        token, secret = create_api_token(
            actor=kwargs["user"], name=kwargs["name"], scope=kwargs["scope"], jurisdiction=kwargs["jurisdiction"]
        )
        token.secret = secret
        return token


class GazetteerEntryFactory(factory.django.DjangoModelFactory):
    """An address of the gazetteer, its keys made as the import makes them (give `name` for a named place)."""

    class Meta:
        model = GazetteerEntry
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    street = "Calle de Alcalá"
    number = "45"
    name = ""
    district = ""
    city = "Madrid"
    latitude = 40.4189
    longitude = -3.6967
    kind = factory.LazyAttribute(lambda o: "place" if o.name else "address")
    street_key = factory.LazyAttribute(lambda o: street_key(o.name or o.street))
    street_type = factory.LazyAttribute(lambda o: street_type(o.name or o.street))
    number_key = factory.LazyAttribute(lambda o: "" if o.name else number_key(o.number))
    number_value = factory.LazyAttribute(lambda o: None if o.name else number_value(number_key(o.number)))
    label = factory.LazyAttribute(
        lambda o: ", ".join(p for p in (o.name or f"{o.street} {o.number}", o.district, o.city) if p)
    )
    address_id = factory.LazyAttribute(
        lambda o: derived_address_id(
            kind=o.kind,
            street_key=o.street_key,
            number_key=o.number_key,
            street_type=o.street_type,
            street=o.street if o.name else "",
            number=o.number if o.name else "",
            city=o.city,
            district=o.district,
        )
    )

    @factory.post_generation
    def name_row(entry, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the object)
        """Its key among the gazetteer's names, as the import writes it (fuzzy matching reads them)."""
        if create:
            from plaza.core.operations.gazetteer import gazetteer_name

            GazetteerName.objects.bulk_create(
                [gazetteer_name(entry.jurisdiction, entry.street_key)], ignore_conflicts=True
            )
