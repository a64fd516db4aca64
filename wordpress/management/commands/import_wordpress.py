import shutil
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Author
from wordpress.importer import Importer
from wordpress.media import Uploads
from wordpress.summary import Summary
from wordpress.survey import survey_export
from wordpress.wxr import WxrError


class Progress:
    """A one-line progress bar on a terminal; nothing at all otherwise."""

    def __init__(self, stream, *, items: int, comments: int):
        self.stream, self.total_items, self.total_comments = stream, items, comments
        self.items = self.comments = 0
        self._shown = 0.0

    def advance(self, *, items=0, comments=0):
        self.items += items
        self.comments += comments
        now = time.monotonic()
        if now - self._shown > 0.2 or self.items == self.total_items:
            self._shown = now
            share = self.items / self.total_items if self.total_items else 1
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r[{bar:<30}] items {self.items}/{self.total_items}  "
                f"comments {self.comments}/{self.total_comments}"
            )
            self.stream.flush()

    def done(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0–1.2; plain, gzipped, or WordPress.com's .zip): "
        "authors, posts as essays, comments with their threads, images, and redirects from "
        "the old addresses. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The export file, or - to read it from stdin.")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="A copy of wp-content/uploads: images found there go into media storage.",
        )
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="LOGIN=SLUG",
            help="Credit a WordPress user's posts to an existing author here (repeatable).",
        )
        parser.add_argument(
            "--timezone",
            help="The old site's time zone for dates WordPress kept without GMT (drafts); "
            "by default read off the export's dated posts.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check the export; write nothing."
        )

    def handle(self, *args, export, uploads, author_map, timezone, dry_run, **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder.")
        mapping = self._author_map(author_map)
        zone = self._zone(timezone)
        with self._export_path(export) as path:
            try:
                survey = survey_export(path)
            except WxrError as error:
                raise CommandError(f"{export}: {error} Nothing was imported.") from None
            if dry_run:
                self._report(self._dry_run_summary(survey))
                return
            progress = None
            if self.stderr.isatty():
                progress = Progress(self.stderr, items=survey.items, comments=survey.comments)
            importer = Importer(
                path=path,
                survey=survey,
                uploads=Uploads(uploads),
                author_map=mapping,
                zone=zone,
                progress=progress,
            )
            try:
                summary = importer.run()
            except WxrError as error:  # the file changed under us between the two passes
                raise CommandError(f"{export}: {error}") from None
            finally:
                if progress:
                    progress.done()
        self._report(summary)

    def _report(self, summary: Summary):
        for line in summary.lines():
            self.stdout.write(line)

    @staticmethod
    def _dry_run_summary(survey) -> Summary:
        summary = Summary(dry_run=True)
        summary.essays_by_status.update(
            {f"{status} on WordPress": n for status, n in survey.posts_by_status.items()}
        )
        summary.authors["in the export"] = len(survey.authors)
        summary.comments.update(
            {f"{kind}s in the export": n for kind, n in survey.comments_by_type.items()}
        )
        summary.pages = survey.pages
        for kind, count in survey.items_by_type.items():
            if kind not in ("post", "page", "attachment"):
                summary.skipped[f"items of type {kind}"] += count
        return summary

    @staticmethod
    def _author_map(pairs) -> dict:
        mapping = {}
        for pair in pairs:
            login, _, slug = pair.partition("=")
            if not login or not slug:
                raise CommandError(f"--author-map {pair!r}: write it as login=slug.")
            author = Author.objects.filter(slug=slug.strip()).first()
            if author is None:
                raise CommandError(f"--author-map {pair!r}: no author here has the slug {slug}.")
            mapping[login.strip()] = author
        return mapping

    @staticmethod
    def _zone(name):
        if not name:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"--timezone {name}: not a time zone name.") from None

    def _export_path(self, export):
        return _stdin_copy() if export == "-" else _existing(export)


class _existing:
    def __init__(self, name):
        self.path = Path(name)

    def __enter__(self):
        if not self.path.is_file():
            raise CommandError(f"{self.path}: no such file.")
        return self.path

    def __exit__(self, *exc):
        return False


class _stdin_copy:
    """Standard input saved to a temporary file: the export is read twice (check, then import)."""

    def __enter__(self):
        self.file = tempfile.NamedTemporaryFile(prefix="wxr-", suffix=".xml")
        shutil.copyfileobj(sys.stdin.buffer, self.file)
        self.file.flush()
        return Path(self.file.name)

    def __exit__(self, *exc):
        self.file.close()
        return False
