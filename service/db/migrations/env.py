"""Alembic environment: migrations run on the connection jiugai hands over (see engine.migrate)."""
from alembic import context

from service.db.models import Base

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
