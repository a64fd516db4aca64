"""`make backup` / `make restore`: a round trip on a Postgres of the test's own."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import BASE_DIR, PostgresServer, django_environment, manage

COMMENTS_CHECKSUM = (
    "SELECT md5(string_agg(id || ':' || status || ':' || body, '|' ORDER BY id))"
    " FROM comments_comment"
)


def backup(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "config.backup", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def snapshot(conn) -> dict:
    """Every table's row count, and a checksum of every comment."""
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    counts = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for (name,) in tables
    }
    return {"counts": counts, "comments": conn.execute(COMMENTS_CHECKSUM).fetchone()[0]}


@pytest.fixture(scope="module")
def lectern():
    postgres = PostgresServer()
    try:
        url = postgres.create_database("lectern")
        yield postgres, django_environment(database_url=url)
    finally:
        postgres.close()


def test_backup_and_restore_bring_back_every_row_and_file(lectern, tmp_path):
    postgres, env = lectern
    env = {**env, "MEDIA_ROOT": str(tmp_path / "media")}
    manage(env, "migrate", "--noinput")
    manage(env, "demo")
    media = sorted((tmp_path / "media").rglob("*"))  # the demo's author photos, and one more
    photo = tmp_path / "media" / "authors" / "kept.bin"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"bytes to keep")
    with postgres.connect("lectern") as conn:
        before = snapshot(conn)
    assert before["counts"]["comments_comment"] > 0

    made = backup(env, "dump", "--output", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.strip())
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".tar.gz")

    # Lose data the backup has, gain some it has not (a table from a later migration, too).
    with postgres.connect("lectern") as conn:
        conn.execute("TRUNCATE comments_moderationevent")
        conn.execute("UPDATE comments_comment SET body = 'vandalised'")
        conn.execute("CREATE TABLE later_feature (id int)")
    photo.unlink()
    (tmp_path / "media" / "stray.txt").write_text("not in the backup")

    restored = backup(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "replaces everything in the database 'lectern'" in restored.stdout
    with postgres.connect("lectern") as conn:
        after = snapshot(conn)
    assert after == before
    assert photo.read_bytes() == b"bytes to keep"
    assert sorted((tmp_path / "media").rglob("*")) == sorted([*media, photo])
    assert not (tmp_path / "media" / "stray.txt").exists()


def test_restore_refuses_a_missing_file_or_one_not_confirmed(lectern, tmp_path):
    postgres, env = lectern
    missing = backup(env, "restore", str(tmp_path / "nope.tar.gz"))
    assert missing.returncode == 2
    assert "No backup file at" in missing.stdout
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("hello")
    unconfirmed = backup(env, "restore", str(not_a_backup))
    assert unconfirmed.returncode == 1
    assert "confirm with --yes" in unconfirmed.stdout
    refused = backup(env, "restore", str(not_a_backup), "--yes")
    assert refused.returncode == 1
    assert "is not a Lectern backup" in refused.stderr
