"""gunicorn settings for a Lectern web node: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every value can be overridden from the environment (GUNICORN_* below) or the command line.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers (gthread): a worker answers another request while one waits on Postgres or
# Redis, and keeps nginx's upstream connections open between requests (keepalive below), where a
# sync worker closes each after its response: a page-cache hit cost about half again as much CPU
# with sync workers (docs/scaling.md). The usual 2 × cores + 1 workers, capped so a big machine
# does not open more database connections than Postgres allows (each worker's pool opens at most
# one connection per thread, up to DATABASE_POOL_MAX_SIZE).
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)
# A worker that stops answering its master for this long is killed and restarted. (With threads
# this guards the worker, not each request: nginx's proxy_read_timeout bounds what a reader
# waits, every call out of the app has its own timeout, and a worker is recycled now and then.)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)  # SIGTERM: finish in-flight requests
keepalive = 5  # seconds an idle connection from nginx is kept open
# Recycle workers now and then (memory creep), staggered so they never restart all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app in each worker, not the master: a worker's database pool is its own.
preload_app = False
# Behind nginx, which sets X-Forwarded-For; only the proxy on the same host is trusted for it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client (as the proxy saw it), request, status, bytes, referrer, agent, time in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sus'
