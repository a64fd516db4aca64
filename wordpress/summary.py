"""What an import did (or, with --dry-run, found), in words for the person who ran it."""

from collections import Counter
from dataclasses import dataclass, field

LISTED = 20  # names listed in full before "… and N more"


def _listed(values) -> str:
    values = sorted(values)
    shown = ", ".join(values[:LISTED])
    return shown + (f", … and {len(values) - LISTED} more" if len(values) > LISTED else "")


@dataclass
class Summary:
    dry_run: bool = False
    essays: Counter = field(default_factory=Counter)  # created/updated/unchanged
    essays_by_status: Counter = field(default_factory=Counter)
    authors: Counter = field(default_factory=Counter)  # created/mapped/existing
    tags: set = field(default_factory=set)
    categories: set = field(default_factory=set)
    comments: Counter = field(default_factory=Counter)  # by status, plus "kept"
    orphans: int = 0
    flattened: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → count
    pages: list = field(default_factory=list)
    renamed: list = field(default_factory=list)  # (old slug, new slug)
    notes: list = field(default_factory=list)
    images_imported: int = 0
    images_missing: set = field(default_factory=set)
    images_left: set = field(default_factory=set)
    redirects: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            self.essays["created"]
            or self.essays["updated"]
            or self.authors["created"]
            or sum(n for status, n in self.comments.items() if status != "already imported")
            or self.redirects
        )

    def lines(self) -> list[str]:
        head = "Dry run: nothing was written." if self.dry_run else "Import finished."
        if not self.dry_run and not self.changed:
            head = "Nothing changed: everything in this export was already imported."
        essays = ", ".join(f"{n} {status}" for status, n in sorted(self.essays_by_status.items()))
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.essays.items()))
        comments = ", ".join(f"{n} {what}" for what, n in sorted(self.comments.items()))
        lines = [
            head,
            f"Essays: {essays or 'none'}" + (f" ({done})" if done else ""),
            "Authors: "
            + (", ".join(f"{n} {w}" for w, n in sorted(self.authors.items())) or "none"),
            f"Tags: {len(self.tags | self.categories)}"
            + (f", of which categories: {_listed(self.categories)}" if self.categories else ""),
            f"Comments: {comments or 'none'}",
        ]
        if self.orphans:
            lines.append(f"  {self.orphans} comments whose parent is missing became top-level")
        if self.flattened:
            lines.append(
                f"  {self.flattened} replies nested deeper than threads go here were filed "
                "under their deepest allowed ancestor (shown in reply to their parent)"
            )
        if self.pages:
            lines.append(
                f"Pages not imported (their addresses answer 410 Gone): {len(self.pages)}: "
                f"{_listed(self.pages)}"
            )
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"Skipped: {count} {reason}")
        for old, new in self.renamed[:LISTED]:
            lines.append(f"Renamed: the slug “{old}” was taken by another essay; used “{new}”")
        if len(self.renamed) > LISTED:
            lines.append(f"Renamed: … and {len(self.renamed) - LISTED} more")
        lines.append(f"Images imported into media storage: {self.images_imported}")
        if self.images_missing:
            lines.append(
                f"Images not found in the uploads folder (old addresses kept): "
                f"{len(self.images_missing)}: {_listed(self.images_missing)}"
            )
        if self.images_left:
            lines.append(
                f"Images left at their old addresses (no --uploads given): "
                f"{len(self.images_left)}: {_listed(self.images_left)}"
            )
        lines.extend(self.notes)
        lines.append(f"Redirects from old addresses stored: {self.redirects}")
        lines.append(f"Time taken: {self.seconds:.1f} s")
        return lines
