"""Lectern's Postgres backend: Django's, with a connection pool that survives a restarting server.

Use it as ENGINE "config.database" (config/settings.py does). See pool.py for why.
"""
