"""Files that are never served as they lie: kept outside MEDIA_ROOT and read only through permission-checked views."""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    """A folder of its own (setting PLAZA_PRIVATE_MEDIA_ROOT), with no URL: `url()` raises, so no template can link
    to a private file by mistake. Read lazily so tests (and deployments) can move it."""

    @property
    def base_location(self) -> str:
        root = Path(settings.PLAZA_PRIVATE_MEDIA_ROOT).resolve()
        media = Path(settings.MEDIA_ROOT).resolve()
        if root == media or media in root.parents:
            raise ImproperlyConfigured("PLAZA_PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT: it would be served.")
        return str(root)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None  # FileSystemStorage.url() then raises "This file is not accessible via a URL."


private_storage = PrivateFileStorage()


def get_private_storage() -> PrivateFileStorage:
    """For FileField(storage=...): a callable keeps the storage out of migrations."""
    return private_storage
