"""Images and files the essays point at in wp-content/uploads: copied into Lectern's media
storage (through Django's storage API, so S3 when configured) when a copy of the uploads folder
is given, otherwise left at their old addresses and listed."""

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File
from django.core.files.storage import default_storage

# wp-content/uploads/2019/05/a.jpg on a self-hosted site; /files/2019/05/a.jpg on WordPress.com.
UPLOAD_PATH = re.compile(r"/(?:wp-content/uploads|files)/(.+)$")
STORAGE_FOLDER = "wordpress"
MAX_NAME = 100  # a FileField's default max_length, which Post.featured_image keeps


def storage_name(relative: str) -> str:
    """Where an uploaded file goes in media storage: its old place under uploads/, unless that
    is longer than a file field holds (100 characters) or not a plain path ("a/../b")."""
    name = f"{STORAGE_FOLDER}/{relative}"
    parts = relative.split("/")
    if len(name) <= MAX_NAME and not {"", ".", ".."} & set(parts):
        return name
    # The same short name for the same old path on every run, so a re-run finds the file.
    digest = hashlib.sha256(relative.encode()).hexdigest()[:16]
    suffix = Path(parts[-1]).suffix[:10]
    stem = Path(parts[-1]).stem[: MAX_NAME - len(STORAGE_FOLDER) - len(digest) - len(suffix) - 3]
    return f"{STORAGE_FOLDER}/{digest}-{stem}{suffix}"


class Uploads:
    def __init__(self, root: Path | None, *, dry_run: bool = False):
        self.root = root.resolve() if root else None
        self.dry_run = dry_run
        self.imported, self.missing, self.left = set(), set(), set()
        self._stored = {}  # relative path → storage name, per run

    @staticmethod
    def relative_path(url: str) -> str | None:
        """The file's place under uploads/ for an upload address, else None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", ""):
            return None
        match = UPLOAD_PATH.search(unquote(parts.path))
        return match.group(1) if match else None

    def rewrite(self, url: str) -> str:
        """The address to use for `url` now: in media storage if the file could be imported."""
        name = self.store(url)
        return default_storage.url(name) if name and not self.dry_run else url

    def store(self, url: str) -> str | None:
        """Copy an uploaded file into media storage (once); its storage name, or None."""
        relative = self.relative_path(url)
        if relative is None:
            return None
        if self.root is None:
            self.left.add(url)
            return None
        if relative in self._stored:
            return self._stored[relative]
        source = (self.root / relative).resolve()
        # Never outside the folder given, whatever "../" an address holds.
        if not source.is_relative_to(self.root) or not source.is_file():
            self.missing.add(url)
            return None
        name = storage_name(relative)
        if not self.dry_run and not default_storage.exists(name):
            with source.open("rb") as handle:
                name = default_storage.save(name, File(handle))
        self._stored[relative] = name
        self.imported.add(relative)
        return name
