from alembic import context

# Every module that defines tables, so the metadata describes the whole schema.
from trefpunt.auth.models import Base
from trefpunt.catalog import journal, pending_imports, review_models  # noqa: F401
from trefpunt.db import make_engine
from trefpunt.links import models as link_models  # noqa: F401
from trefpunt.lists import models as list_models  # noqa: F401
from trefpunt.searchlog import models as search_log_models  # noqa: F401

config = context.config
url = config.attributes["database_url"]
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
