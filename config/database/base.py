"""Django's PostgreSQL backend, with config.database.pool.ServerAwarePool as its connection pool."""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base

from config.database.pool import ServerAwarePool


class DatabaseWrapper(base.DatabaseWrapper):
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
