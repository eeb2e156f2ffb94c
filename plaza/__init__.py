"""Plaza: the open local government platform."""

from plaza.celery import app as celery_app

__all__ = ["celery_app"]
