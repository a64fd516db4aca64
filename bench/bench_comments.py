"""How long the essay page takes with N threaded comments, per viewer (`make bench`).

Seeds a throwaway test database (the development data is left alone) with one essay per N,
its comments in chains five deep (a tenth of them awaiting moderation), then asks for the page
through Django's test client, as a real request through every middleware, with DEBUG off.
Prints the SQL queries per page, the median server time over ROUNDS requests (wall clock, what a
reader waits for, minus the network) and the median CPU time of the Python process alone (less
disturbed by other work on a busy machine). "cold" clears the cache before every request, so the
public thread is rendered from scratch each time (as right after any change to it); "warm" reuses
the rendered public thread (a reader's request renders it first), as readers and members with
nothing pending do between changes, and members with comments pending reuse its cards around
theirs. Moderators' pages are always rendered afresh. BENCH_SIZES=500 make bench runs one size.
"""

import os
import statistics
import time

from bench.throwaway_db import throwaway_database

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "100,500,2000").split(","))
ROUNDS = 25
WARM_UP = 3
# "member": signed in, nothing of theirs pending here; "member*": has comments awaiting moderation
# under this essay, so their page is their own (never the cached public one).
VIEWERS = ("anonymous", "member", "member*", "moderator")


def _seed(size):
    from comments.models import Comment
    from tests.factories import make_moderator, make_post, make_thread, make_user

    authors = [make_user() for _ in range(40)]
    waiting = [make_user() for _ in range(10)]
    post = make_post(title=f"Essay with {size} comments")
    make_thread(post=post, count=size - size // 10, depth=5, authors=authors)
    make_thread(post=post, count=size // 10, depth=5, authors=waiting, status="pending")
    assert Comment.objects.filter(post=post).count() == size
    return post, {
        "anonymous": None,
        "member": authors[0],
        "member*": waiting[0],
        "moderator": make_moderator(),
    }


def _measure(client, url, *, cold):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    queries = []
    if cold:
        cache.clear()
    else:
        Client().get(url)  # a reader's request caches the public thread
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    for _ in range(WARM_UP):
        client.get(url)
    wall, cpu = [], []
    for _ in range(ROUNDS):
        if cold:
            cache.clear()  # the public thread is rendered again, as after every change
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return len(queries), statistics.median(wall), statistics.median(cpu), len(response.content)


def main():
    with throwaway_database():
        from django.test import Client

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"{'comments':>8}  {'viewer':<10} {'cache':<5} {'queries':>7}  {'median ms':>9}  "
            f"{'(python CPU ms)':>15}  {'page KB':>7}"
        )
        for size in SIZES:
            post, viewers = _seed(size)
            for name in VIEWERS:
                client = Client()
                if viewers[name] is not None:
                    client.force_login(viewers[name])
                for cold in (True, False) if name != "moderator" else (True,):
                    queries, wall, cpu, length = _measure(
                        client, post.get_absolute_url(), cold=cold
                    )
                    print(
                        f"{size:>8}  {name:<10} {'cold' if cold else 'warm':<5} {queries:>7}  "
                        f"{wall:>9.1f}  {cpu:>15.1f}  {length / 1024:>7.0f}"
                    )


if __name__ == "__main__":
    main()
