"""Một Cửa — electronic one-stop shop for commune-level People's Committees."""

from motcua.config.celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
