"""Factories for civic reports, for this app's tests and any other's."""

import factory

from plaza.core.tests.factories import ComponentFactory, JurisdictionFactory
from plaza.reports.models import AnswerTemplate, Area, Category, Report, Status, Update


def box(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


class ReportsComponentFactory(ComponentFactory):
    manifest_name = "reports"
    slug = "reports"
    title = "Report a problem"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    department = "Roads"
    acknowledge_hours = 24
    fix_hours = 168


class AnswerTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerTemplate

    category = factory.SubFactory(CategoryFactory)
    jurisdiction = factory.SelfAttribute("category.jurisdiction")
    title = factory.Sequence(lambda n: f"Answer {n}")
    body = "Thank you, a crew will come this week."


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"District {n}")
    geometry = factory.LazyFunction(lambda: box(126.95, 37.55, 127.02, 37.60))


class ReportFactory(factory.django.DjangoModelFactory):
    """A report written straight to the table (tests of reading); operations are tested through submit_report."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    jurisdiction = factory.SelfAttribute("category.jurisdiction")
    component = factory.SubFactory(
        ReportsComponentFactory,
        jurisdiction=factory.SelfAttribute("..jurisdiction"),
        process__jurisdiction=factory.SelfAttribute("..jurisdiction"),
        slug=factory.Sequence(lambda n: f"reports-{n}"),
    )
    department = factory.SelfAttribute("category.department")
    description = factory.Sequence(lambda n: f"Problem number {n}")
    latitude = 37.5665
    longitude = 126.9780
    status = Status.OPEN

    @factory.post_generation
    def timeline(self, create, extracted, **kwargs):
        if create:
            Update.objects.create(
                jurisdiction=self.jurisdiction, report=self, kind=Update.Kind.CREATED, to_status="open"
            )
