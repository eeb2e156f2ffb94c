"""Keeping the search index up to date: components call `index_object` / `unindex_object`.

How a component makes its content searchable (core never imports it):

1. give the model a `search_fields()` method returning `SearchFields`, or name a builder in the
   manifest's `search` ({"app.model": builder}: the registry registers it);
2. call `index_object(obj)` from the operations that create or change it, and
   `unindex_object(obj)` from the one that deletes it (or connect both to its signals).

The network and jurisdiction search pages then find it.
Core indexes its own processes through signals (see `plaza.core.signals`).
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from plaza.core.content import jurisdiction_of
from plaza.core.models import Process, SearchDocument
from plaza.core.tenancy import jurisdiction_scope

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchFields:
    title: str
    body: str = ""
    url: str = ""
    is_public: bool = False
    language: str = ""


_BUILDERS: dict[str, Callable[[models.Model], SearchFields]] = {}


def fold(text: str) -> str:
    """Case- and accent-folded words separated by spaces: what both databases' indexes see."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Recompose what is not an accent (Hangul syllables decompose into jamo under NFKD).
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", stripped)))


def register_search_fields(model_label: str, builder: Callable[[models.Model], SearchFields]) -> None:
    _BUILDERS[model_label.lower()] = builder


def search_fields_for(obj: models.Model) -> SearchFields:
    method = getattr(obj, "search_fields", None)
    if callable(method):
        return method()
    builder = _BUILDERS.get(obj._meta.label_lower)
    if builder is None:
        raise LookupError(f"{obj._meta.label} has no search_fields() and no registered builder.")
    return builder(obj)


def new_document(obj: models.Model, fields: SearchFields | None = None) -> SearchDocument:
    """The object's search document, unsaved (`index_object` writes it)."""
    fields = fields or search_fields_for(obj)
    jurisdiction = jurisdiction_of(obj)
    return SearchDocument(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        jurisdiction=jurisdiction,
        title=fields.title[:300],
        body=fields.body,
        folded_title=fold(fields.title),
        folded_body=fold(fields.body),
        url=fields.url or obj.get_absolute_url(),
        language=fields.language or jurisdiction.default_language,
        is_public=fields.is_public,
    )


REFRESHED = [  # what refreshing a document rewrites
    "jurisdiction",
    "title",
    "body",
    "folded_title",
    "folded_body",
    "url",
    "language",
    "is_public",
    "updated_at",
]


def index_object(obj: models.Model, fields: SearchFields | None = None) -> SearchDocument:
    """Create or refresh the object's search document (call it inside the writing transaction). A new object's
    document may instead be inserted with its other rows: `plaza.core.rows.insert(new_document(obj), …)`."""
    document = new_document(obj, fields)
    with jurisdiction_scope(document.jurisdiction):
        # One upsert (INSERT ... ON CONFLICT DO UPDATE) instead of update_or_create's savepoints, locking SELECT and
        # INSERT: six statements on every write of every app. SQLite's FTS triggers fire on either path.
        SearchDocument.objects.bulk_create(
            [document],
            update_conflicts=True,
            unique_fields=["content_type", "object_id"],
            update_fields=REFRESHED,
        )
    return document


def unindex_object(obj: models.Model) -> None:
    with jurisdiction_scope(jurisdiction_of(obj)):
        SearchDocument.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).delete()


def _process_fields(process: Process) -> SearchFields:
    return SearchFields(
        title=process.title,
        body="\n".join(part for part in (process.subtitle, process.description) if part),
        url=process.get_absolute_url(),
        is_public=process.is_published,
    )


register_search_fields("core.process", _process_fields)
