"""The files in deploy/ are valid for the programs that read them, and agree with each other."""

import os
import shutil
import subprocess
import sys

from tests.deploy.conftest import DEPLOY, ROOT
from tests.servers import DeployNginx


def test_gunicorn_accepts_its_configuration_file():
    checked = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"),
         "--check-config", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_nginx_accepts_the_site_file(tmp_path):
    site = tmp_path / "site.conf"
    upstreams = ["http://127.0.0.1:8001", "http://127.0.0.1:8002"]
    site.write_text(DeployNginx.site(upstreams, 8080, tmp_path / "cache"))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid; events {{}} http {{ include {site}; }}\n")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tested = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert tested.returncode == 0, tested.stderr


def test_the_compose_sites_nginx_file_is_the_shipped_one_with_its_own_nodes():
    shipped = (DEPLOY / "nginx" / "lectern.conf").read_text()
    compose = (DEPLOY / "nginx" / "compose.conf").read_text()
    body = shipped[shipped.index("upstream lectern_web") :]
    expected = (
        body.replace("server 127.0.0.1:8001 ", "server web1:8000 ")
        .replace("server 127.0.0.1:8002 ", "server web2:8000 ")
        .replace("server_name blog.example.org;", "server_name _;")
    )
    assert compose.endswith(expected)


def test_the_container_runs_as_an_unprivileged_user_and_the_processes_are_listed():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    processes = dict(
        line.split(":", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(processes) == {"web", "worker"}
    assert "deploy/gunicorn.conf.py" in processes["web"]
    # What a killed worker left running is queued again before the next worker takes tasks.
    assert processes["worker"].index("requeue_stalled_tasks") < processes["worker"].index(
        "db_worker"
    )
