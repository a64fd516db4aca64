"""How fast a WordPress export imports, and in how much memory (`make bench`).

Writes a realistic export with bench/wordpress_export.py (BENCH_WXR_COMMENTS comments, 20,000
by default; 200000 makes the ~200 MB file of the issue), imports it with
`manage.py import_wordpress` in a child process against a throwaway database, and prints the
comments per second (wall clock, both passes included) and the child's peak resident memory
(getrusage, the figure /usr/bin/time -v reports as "Maximum resident set size").

    BENCH_WXR_COMMENTS=200000 .venv/bin/python -m config.embedded_db session -- \\
        .venv/bin/python -c "import bench.bench_wordpress_import as b; b.main()"
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from bench.throwaway_db import throwaway_database
from bench.wordpress_export import write_export

COMMENTS = int(os.environ.get("BENCH_WXR_COMMENTS", "20000"))
ROOT = Path(__file__).resolve().parent.parent


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    host = quote(settings_dict.get("HOST") or "localhost", safe="")
    port = settings_dict.get("PORT") or "5432"
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def main():
    with tempfile.TemporaryDirectory(prefix="wxr-bench-") as folder:
        path = Path(folder) / "export.xml"
        with path.open("w", encoding="utf-8") as stream:
            write_export(stream, comments=COMMENTS)
        megabytes = path.stat().st_size / 1e6
        with throwaway_database() as connection:
            env = {
                **os.environ,
                "DATABASE_URL": _database_url(connection.settings_dict),
                "DJANGO_DEBUG": "true",
            }
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "manage.py", "import_wordpress", str(path)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.monotonic() - started
        if result.returncode != 0:
            print(result.stdout, result.stderr)
            raise SystemExit("the import failed")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        print(f"export: {megabytes:.0f} MB, {COMMENTS} comments")
        print(
            f"import: {seconds:.1f} s wall, {COMMENTS / seconds:.0f} comments/s; importer CPU "
            f"{cpu:.1f} s ({COMMENTS / cpu:.0f} comments per CPU second); "
            f"peak RSS {usage.ru_maxrss / 1024:.0f} MB"
        )
        for line in result.stdout.splitlines():
            if line.startswith(("Essays", "Comments", "Redirects", "Time")):
                print("  " + line)


if __name__ == "__main__":
    main()
