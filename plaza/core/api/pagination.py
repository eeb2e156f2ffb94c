"""The one envelope of every API list: items, count, limit, offset and next/previous links."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class Pagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items (at most 100)")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip")

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int
        next: str | None = Field(..., description="The next page's address, or null on the last page")
        previous: str | None = Field(..., description="The previous page's address, or null on the first")

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params: Any) -> dict:
        limit, offset = pagination.limit, pagination.offset
        count = self._items_count(queryset)
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": count,
            "limit": limit,
            "offset": offset,
            "next": _page_url(request, limit, offset + limit) if offset + limit < count else None,
            "previous": _page_url(request, limit, max(offset - limit, 0)) if offset > 0 else None,
        }


def _page_url(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}")
