"""Inside Track: customer experience for a premium car brand and its dealer network."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
