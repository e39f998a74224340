"""One ingest run: list each tracked player's history, fetch every payload still missing, land it.

``ingest_request.run_ingest`` is the entry point (what ``halo ingest`` and the demo call).
"""
