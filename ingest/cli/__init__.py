"""The ``halo`` command line (``app.app``): one module per command, a shared error guard and options."""
