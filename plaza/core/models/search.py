"""The search index: one document per searchable object, whatever app it comes from."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class SearchDocument(TenantModel):
    """What search matches: `title` and `body` as shown; `folded_*` accent- and case-folded for matching.

    On SQLite an FTS5 table mirrors the folded fields through triggers (migration `search_index`); on
    PostgreSQL a trigger keeps their weighted tsvector in `search_vector`, under a GIN index (migration
    `search_vector`): matching and ranking read it instead of parsing every matching document's text again
    (ranking 1,900 matches cost 30 ms that way). Elsewhere `search_vector` stays empty.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    folded_title = models.TextField(editable=False)
    folded_body = models.TextField(blank=True, editable=False)
    url = models.CharField(max_length=500)
    language = models.CharField(max_length=8, blank=True)
    is_public = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # kept by the database itself (PostgreSQL)

    objects = TenantManager()

    class Meta:
        ordering = ["-updated_at", "id"]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="search_document_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        """What kind of content this is ("process"), in the reader's language."""
        model = self.content_type.model_class()
        return str(model._meta.verbose_name).capitalize() if model is not None else ""
