"""``python -m ingest`` is the ``halo`` command."""

from .cli.app import app

app()
