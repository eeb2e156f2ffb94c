"""Factories for the portal's tables, for this app's tests and others'."""

import factory

from plaza.core.tests.factories import JurisdictionFactory
from plaza.data.models import Dataset, DatasetKeyword, DatasetTheme, Organization, Resource


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"department-{n}")
    title = factory.Sequence(lambda n: f"Department {n}")


class DatasetFactory(factory.django.DjangoModelFactory):
    """A public dataset, written straight to the tables (use the operations to test writes)."""

    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    jurisdiction = factory.SelfAttribute("organization.jurisdiction")
    name = factory.Sequence(lambda n: f"dataset-{n}")
    title = factory.Sequence(lambda n: f"Dataset {n}")
    description = "Measurements published by the city."
    state = Dataset.State.PUBLIC
    licence_id = "cc-by-4.0"
    contact_name = "Open data team"
    contact_email = "opendata@city.example"

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        for code in extracted or ():
            DatasetTheme.objects.create(jurisdiction=self.jurisdiction, dataset=self, code=code)

    @factory.post_generation
    def keywords(self, create, extracted, **kwargs):
        for name in extracted or ():
            DatasetKeyword.objects.create(jurisdiction=self.jurisdiction, dataset=self, name=name)

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        from plaza.core.search import index_object

        index_object(self)


class LinkResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    jurisdiction = factory.SelfAttribute("dataset.jurisdiction")
    name = factory.Sequence(lambda n: f"Resource {n}")
    format = "CSV"
    url = factory.Sequence(lambda n: f"https://files.city.example/{n}.csv")
