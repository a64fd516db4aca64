"""The least a gunicorn worker can do for a page: answer every request with the same bytes from
memory, no Django. bench_scale runs it on the same gunicorn settings as Lectern, so that the
table shows how much of the distance to nginx is the Python server's own cost (parsing the
request, writing the response, copying the body) and how much is
Lectern's. The page is read once from the file named by BENCH_PAGE_FILE."""

import os
from pathlib import Path

PAGE = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
