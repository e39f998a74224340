"""``python -m ingest`` is the ``halo`` command."""

from .cli import app

app()
