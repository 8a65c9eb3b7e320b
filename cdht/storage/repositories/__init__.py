"""SQLAlchemy implementations of the repository Protocols in `cdht.handlers.ports`."""
