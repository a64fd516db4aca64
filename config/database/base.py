"""Django's PostgreSQL backend, with config.database.pool.ServerAwarePool as its connection pool,
and cursors for statements that Postgres prepares once per connection."""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg import errors
from psycopg.pq import Format, TransactionStatus

from config.database.pool import ServerAwarePool


def is_stale_plan(error: Exception) -> bool:
    """Whether Postgres refused a statement prepared before a migration changed the type of a
    column it returns (it does so on each connection that prepared it, until prepared anew)."""
    return "cached plan must not change result type" in str(error)


class PreparedCursor(base.ServerBindingCursor):
    """Binds its parameters on the server and has each statement prepared there (by psycopg,
    once per connection and statement), so that Postgres parses and plans it once rather than
    on every run."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        except errors.FeatureNotSupported as error:
            # A migration run meanwhile changed the type of a column the statement returns:
            # Postgres refuses the plan prepared before it, on this connection, until it is
            # prepared again. Outside a transaction, forget every statement prepared here (psycopg
            # forgets them too when it sees this command) and run it once more, prepared anew.
            # Inside one, the transaction is lost; its rollback makes psycopg forget them.
            idle = self.connection.info.transaction_status == TransactionStatus.IDLE
            if not is_stale_plan(error) or not idle:
                raise
            self.connection.execute("DEALLOCATE ALL")
            return super().execute(query, params, prepare=True, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def prepared_cursor(self):
        """A cursor (wrapped as connection.cursor()'s are: counted, logged, errors translated)
        for statements run often with other values: see PreparedCursor. Only for SQL whose
        every value is a parameter of types that stay the same from run to run."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            # As create_cursor: the cursor's time zone only where the connection disagrees.
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != loader.timezone:
                base.register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)

    @property
    def pool(self):
        options = self.settings_dict["OPTIONS"].get("pool")
        if options and self.alias != NO_DB_ALIAS and self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            # Django builds a plain ConnectionPool on first use; the same arguments, our class.
            # Django's own property then finds it in place and checks the settings as usual.
            connect_kwargs = {**self.get_connection_params(), "autocommit": True}
            self._connection_pools.setdefault(
                self.alias,
                ServerAwarePool(
                    kwargs=connect_kwargs,
                    open=False,
                    configure=self._configure_connection,
                    **({} if options is True else options),
                ),
            )
        return super().pool
