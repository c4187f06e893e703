"""The store: SQLAlchemy models, engines, migrations, repositories and the unit of work."""
