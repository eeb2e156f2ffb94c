"""The open data portal's manifest: pages under /<j>/data/, search, exports, stats, API and seeds."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, Export, registry
from plaza.core.search import SearchFields
from plaza.data import jobs  # noqa: F401 - registers the portal's background jobs
from plaza.data.exports import DATASET_COLUMNS, dataset_rows


def dataset_search_fields(dataset) -> SearchFields:
    keywords = " ".join(k.name for k in dataset.keywords.all())
    return SearchFields(
        title=dataset.title,
        body="\n".join((dataset.description, keywords, dataset.organization.title)),
        url=dataset.get_absolute_url(),
        is_public=dataset.is_public,
    )


def data_stats(component) -> list[tuple[str, int]]:
    from plaza.data.queries import portal_counts

    datasets, resources = portal_counts(component.jurisdiction)
    return [(_("public datasets"), datasets), (_("resources"), resources)]


def personal_data(user) -> dict:
    """The dataset requests the person wrote (supports are a person's, not an account's, and stay anonymous)."""
    from plaza.core.tenancy import across_jurisdictions
    from plaza.data.models import DatasetRequest

    with across_jurisdictions():  # "download my data" covers every jurisdiction the account used
        written = DatasetRequest.objects.filter(author=user).select_related("jurisdiction").order_by("created_at")
        return {
            "dataset_requests": [
                {"jurisdiction": r.jurisdiction.slug, "title": r.title, "description": r.description,
                 "status": r.status, "created_at": r.created_at.isoformat()}
                for r in written
            ]
        }  # fmt: skip


def erase_personal_data(user) -> None:
    """Requests stay (others supported them) but no longer name their author."""
    from plaza.core.tenancy import across_jurisdictions
    from plaza.data.models import DatasetRequest

    with across_jurisdictions():
        DatasetRequest.objects.filter(author=user).update(author=None)


def hide_blocked_content(**block) -> dict[str, int]:
    from plaza.data.operations import hide_blocked_content as hide

    return hide(**block)


def show_unblocked_content(**unblock) -> dict[str, int]:
    from plaza.data.operations import show_unblocked_content as show

    return show(**unblock)


manifest = registry.register(
    ComponentManifest(
        name="data",
        label=_("Open data"),
        description=_("The jurisdiction's open data portal: datasets, resources, CKAN API and DCAT-AP."),
        demo_title=_("Open data"),
        jurisdiction_urls="plaza.data.urls",
        api_router="plaza.data.api:router",
        seeds="plaza.data.seeds:seed",
        search={"data.dataset": dataset_search_fields},
        exports=(Export("datasets", _("Datasets of the open data portal"), DATASET_COLUMNS, dataset_rows),),
        stats=data_stats,
        personal_data=personal_data,
        erase_personal_data=erase_personal_data,
        hide_blocked_content=hide_blocked_content,
        show_unblocked_content=show_unblocked_content,
    )
)
