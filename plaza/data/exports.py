"""The portal's open data about itself: every public dataset's metadata as one file."""

from plaza.core.models import Jurisdiction
from plaza.core.tenancy import jurisdiction_scope
from plaza.data.queries import public_datasets

DATASET_COLUMNS = (
    "id", "name", "title", "description", "organization", "licence_id", "themes", "keywords",
    "contact_name", "contact_email", "temporal_start", "temporal_end", "spatial", "frequency",
    "formats", "created_at", "modified_at", "url",
)  # fmt: skip


def dataset_rows(jurisdiction: Jurisdiction):
    # The download streams after the view returned: the rows are read inside the scope here.
    with jurisdiction_scope(jurisdiction):
        yield from (_row(dataset) for dataset in public_datasets([jurisdiction]))


def _row(dataset) -> dict:
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "organization": dataset.organization.name,
        "licence_id": dataset.licence_id,
        "themes": " ".join(t.code for t in dataset.themes.all()),
        "keywords": "; ".join(k.name for k in dataset.keywords.all()),
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "spatial": dataset.spatial,
        "frequency": dataset.frequency,
        "formats": " ".join(sorted({r.format for r in dataset.resources.all()})),
        "created_at": dataset.created_at,
        "modified_at": dataset.modified_at,
        "url": dataset.get_absolute_url(),
    }
