# Queries per request for each viewer and essay, counted in-process on the bench's database and
# Redis: the second of two requests (the first fills whatever cache the code has).
import json
import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

wanted = json.loads(os.environ["BENCH_INPUT"])
counts = {}
for size, path in wanted["paths"].items():
    counts[size] = {}
    for viewer, cookie in wanted["cookies"].items():
        client = Client(HTTP_HOST="127.0.0.1")
        if cookie:
            client.cookies["sessionid"] = cookie
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        counts[size][viewer] = len(captured.captured_queries) if status == 200 else None
print(json.dumps(counts))
