"""The Halo API as the ingester sees it: URLs and the ``HALO_API_BASE_URL`` override, the paced and
retrying HTTP client, credentials (parsing, redaction, token sources, the refresh-token sign-in in
``auth``), and opening an authenticated connection. Nothing here reads or writes the warehouse."""
