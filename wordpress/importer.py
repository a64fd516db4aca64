"""The second pass: the checked export written through the other apps' models and services,
in batches, each in its own transaction. What an earlier run imported is found again through
ImportedObject, so a re-run changes nothing and an interrupted one resumes."""

import hashlib
import time
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import slugify

from accounts.markup import plain_text
from accounts.models import Author, tidy_name, unique_slug
from blog.models import Post, Redirect, Tag
from blog.redirects import redirects_set_many
from comments.imports import ImportedComment, comments_import
from comments.models import Comment
from config.page_cache import public_pages_changed
from wordpress import content, permalinks, wxr
from wordpress.models import ImportedObject
from wordpress.summary import Summary

# Items and comments written per transaction: small enough that a failure loses little work,
# large enough that commits do not dominate.
BATCH_ITEMS = 200
BATCH_COMMENTS = 5000
SOURCE_NAME = "WordPress"

COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
DRAFT_STATUSES = {"draft", "pending", "private", "auto-draft"}


def source_key(site) -> str:
    """The old site, as ImportedObject rows name it."""
    return (site.base_blog_url or site.link or site.base_site_url).rstrip("/")[:200]


def _original(original_id) -> str:
    # WordPress logins have at most 60 characters; a longer one (a hand-made export) is cut to
    # what ImportedObject.original_id holds, the same way on every run.
    return str(original_id)[:100]


class Importer:
    def __init__(self, *, path, survey, uploads, author_map=None, zone=None, progress=None):
        self.path, self.survey, self.uploads = path, survey, uploads
        self.author_map = author_map or {}
        # Dates without GMT (drafts) are in the old site's zone: given, or read off a dated post.
        self.zone = zone or (timezone(survey.utc_offset) if survey.utc_offset is not None else UTC)
        self.progress = progress
        self.summary = Summary()
        self.source = source_key(survey.site)
        self.home = permalinks.home_path(survey.site)
        # Redirect.source holds 60 characters; a WordPress.com address can be longer.
        self.label = f"{SOURCE_NAME} ({urlsplit(self.source).netloc or self.source})"[:60]
        self.authors = {}  # login → Author
        self.logins_by_id = {}  # WordPress user id → login
        self.terms = {}  # (kind, slug) → name, from the channel's term lists
        self.tags = {}  # name → Tag
        self._atomic, self._pending_items, self._pending_comments = None, 0, 0
        self._redirects = []
        self._links, self._new_links = None, []
        self._new_posts = set()  # essays created by this run: no comments of theirs to look up

    # — the run ——————————————————————————————————————————————————————————————————————————————
    def run(self) -> Summary:
        started = time.monotonic()
        try:
            for record in wxr.read_export(self.path, checked=True):
                self._begin()
                if isinstance(record, wxr.Author):
                    self._author(record)
                elif isinstance(record, wxr.Term):
                    self.terms[(record.kind, record.slug)] = record.name
                elif isinstance(record, wxr.Item):
                    self._item(record)
                self._maybe_commit()
            self._commit()
            public_pages_changed("site")
        except BaseException:
            self._rollback()
            raise
        self.summary.images_imported = len(self.uploads.imported)
        self.summary.images_missing = self.uploads.missing
        self.summary.images_left = self.uploads.left
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _begin(self):
        if self._atomic is None:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()

    def _maybe_commit(self):
        if self._pending_items >= BATCH_ITEMS or self._pending_comments >= BATCH_COMMENTS:
            self._commit()

    def _commit(self):
        if self._new_links:
            ImportedObject.objects.bulk_create(
                self._new_links,
                update_conflicts=True,
                unique_fields=["source", "kind", "original_id"],
                update_fields=["object_id", "checksum", "email", "imported_at"],
            )
            self._new_links = []
        if self._redirects:
            self.summary.redirects += redirects_set_many(self._redirects)
            self._redirects = []
        if self._atomic is not None:
            self._atomic.__exit__(None, None, None)
        self._atomic, self._pending_items, self._pending_comments = None, 0, 0

    def _rollback(self):
        if self._atomic is not None:
            error = RuntimeError("import interrupted")
            self._atomic.__exit__(RuntimeError, error, None)
            self._atomic = None

    def _link(self, kind, original_id):
        if self._links is None:  # what earlier runs imported from this site, read once
            self._links = {
                (link.kind, link.original_id): link
                for link in ImportedObject.objects.filter(source=self.source)
            }
        return self._links.get((kind, _original(original_id)))

    def _remember(self, kind, original_id, object_id, *, checksum="", email=""):
        link = ImportedObject(
            source=self.source,
            kind=kind,
            original_id=_original(original_id),
            object_id=object_id,
            checksum=checksum,
            email=email,
        )
        self._link(kind, original_id)  # loads the known links before adding to them
        self._links[(kind, link.original_id)] = link
        self._new_links.append(link)

    def _redirect(self, paths, **target):
        self._redirects.extend(
            Redirect(old_path=path, source=self.label, **target) for path in paths
        )

    # — authors and tags ————————————————————————————————————————————————————————————————————
    def _author(self, record: wxr.Author) -> Author:
        if record.wp_id is not None:
            self.logins_by_id[record.wp_id] = record.login
        if record.login in self.authors:
            return self.authors[record.login]
        link = self._link(ImportedObject.Kind.AUTHOR, record.login)
        author = Author.objects.filter(pk=link.object_id).first() if link else None
        if record.login in self.author_map:
            author = self.author_map[record.login]
            self.summary.authors["mapped"] += 1
        elif author is not None:
            self.summary.authors["already imported"] += 1
        else:
            full_name = f"{record.first_name} {record.last_name}".strip()
            name = tidy_name(record.display_name or full_name or record.login)[:150]
            author = Author(name=name or record.login[:150])
            author.slug = unique_slug(Author.objects.all(), record.login, max_length=160)
            author.save()
            self.summary.authors["created"] += 1
        if link is None or link.object_id != author.pk:
            self._remember(
                ImportedObject.Kind.AUTHOR, record.login, author.pk, email=record.email[:254]
            )
            self._redirect(
                permalinks.author_paths(record.login, home=self.home),
                target_path=author.get_absolute_url(),
            )
        self.authors[record.login] = author
        return author

    def _author_for(self, login: str) -> Author:
        # WXR 1.0 has no author list: the byline's login is all there is.
        if login not in self.authors:
            self._author(wxr.Author(login or "wordpress", None, "", login, "", ""))
        return self.authors[login or "wordpress"]

    def _tags(self, item) -> list[Tag]:
        tags = []
        for term in item.terms:
            name = tidy_name(term.name or self.terms.get((term.kind, term.slug), ""))[:60]
            if not name or (term.kind == "category" and term.slug == "uncategorized"):
                continue
            tag = self.tags.get(name)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=name).first()
                if tag is None:
                    tag = Tag.objects.create(name=name)
                self.tags[name] = tag
                self._redirect(
                    permalinks.term_paths(term, home=self.home),
                    target_path=tag.get_absolute_url(),
                )
            (self.summary.categories if term.kind == "category" else self.summary.tags).add(name)
            tags.append(tag)
        return tags

    # — items ———————————————————————————————————————————————————————————————————————————————
    def _item(self, item: wxr.Item) -> None:
        self._pending_items += 1
        if item.post_type == "page":
            self.summary.pages.append(item.title or f"#{item.wp_id}")
            self._skip_comments(item, "comments on pages (not imported)")
            if item.status == "publish" and not self._link(ImportedObject.Kind.PAGE, item.wp_id):
                self._remember(ImportedObject.Kind.PAGE, item.wp_id, None)
                self._redirect(permalinks.page_paths(item, home=self.home), target_path="")
        elif item.post_type == "post":
            self._post(item)
        elif item.post_type != "attachment":
            self.summary.skipped[f"items of type {item.post_type}"] += 1
            self._skip_comments(item, f"comments on items of type {item.post_type}")
        else:
            self._skip_comments(item, "comments on attachments")
        if self.progress:
            self.progress.advance(items=1, comments=len(item.comments))

    def _skip_comments(self, item, reason):
        if item.comments:
            self.summary.skipped[reason] += len(item.comments)

    def _post(self, item: wxr.Item) -> None:
        if item.status in ("trash", "inherit"):
            self.summary.skipped["posts in WordPress's trash"] += 1
            self._skip_comments(item, "comments on posts in the trash")
            return
        checksum = hashlib.sha256(
            repr(
                (item.title, item.content, item.excerpt, item.date, item.date_gmt, item.slug,
                 item.status, item.comment_status, item.password, item.creator,
                 sorted((t.kind, t.slug, t.name) for t in item.terms),
                 item.meta.get("_thumbnail_id"))
            ).encode()
        ).hexdigest()  # fmt: skip
        link = self._link(ImportedObject.Kind.POST, item.wp_id)
        post = Post.objects.filter(pk=link.object_id).first() if link else None
        if post is not None and link.checksum == checksum:
            self.summary.essays["unchanged"] += 1
            self.summary.essays_by_status[post.state_label().lower()] += 1
        else:
            created = post is None
            post = self._write_post(item, post or Post())
            self.summary.essays["created" if created else "updated"] += 1
            if created:
                self._new_posts.add(post.pk)
            self.summary.essays_by_status[post.state_label().lower()] += 1
            self._remember(ImportedObject.Kind.POST, item.wp_id, post.pk, checksum=checksum)
            self._redirect(permalinks.post_paths(item, home=self.home), post=post)
        self._comments(item, post)

    def _published_at(self, item) -> datetime | None:
        if item.date_gmt:
            return item.date_gmt.replace(tzinfo=UTC)
        if item.date:
            return item.date.replace(tzinfo=self.zone)
        return None

    def _write_post(self, item, post: Post) -> Post:
        created = post.pk is None
        # WordPress shows a title as HTML ("Title <em>With</em> Markup", "Q&amp;A"): its text.
        title = tidy_name(unescape(strip_tags(item.title)))
        post.title = title[:200] or f"Untitled ({item.wp_id})"
        if post.pk is None:
            post.slug = self._slug(item)
        post.dek = content.clean_text(plain_text(strip_tags(item.excerpt)))
        post.source_format = Post.SourceFormat.HTML
        html = content.post_html(
            item.content, rewrite_url=self._url, attachment=self.survey.attachments.get
        )
        post.body = content.clean_text(html)
        post.published_at = self._published_at(item)
        if item.status in ("publish", "future") and not item.password:
            post.status = Post.Status.PUBLISHED
        else:
            post.status = Post.Status.DRAFT
            if item.password:
                self.summary.notes.append(
                    f"“{post.title}” was password-protected on WordPress: imported as a draft."
                )
        post.comment_mode = (
            Post.CommentMode.OPEN if item.comment_status == "open" else Post.CommentMode.CLOSED
        )
        self._featured_image(item, post)
        post.save()
        # WXR has no modification date: "last updated" is the publication date, not the import
        # (or the essay would say "Updated" with today's date).
        if post.published_at:
            Post.objects.filter(pk=post.pk).update(updated_at=post.published_at)
        if created:
            post.tags.add(*self._tags(item))
        else:
            post.bylines.all().delete()
            post.tags.set(self._tags(item))
        post.bylines.create(author=self._author_for(item.creator), position=0)
        return post

    def _slug(self, item) -> str:
        wanted = slugify(unquote(item.slug)) or slugify(item.title) or f"essay-{item.wp_id}"
        wanted = wanted[:216].strip("-")
        if not Post.objects.filter(slug=wanted).exists():
            return wanted
        # Another essay has it (one this import did not create: ours are found by their id).
        renamed = unique_slug(Post.objects.all(), wanted, max_length=220)
        self.summary.renamed.append((wanted, renamed))
        return renamed

    def _url(self, url: str) -> str:
        return self.uploads.rewrite(url)

    def _featured_image(self, item, post: Post) -> None:
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit() or int(thumbnail) not in self.survey.attachments:
            return
        url, alt = self.survey.attachments[int(thumbnail)]
        name = self.uploads.store(url)
        if name:
            post.featured_image = name
            post.featured_image_alt = tidy_name(alt)[:250] or post.title[:250]

    # — comments ————————————————————————————————————————————————————————————————————————————
    def _comments(self, item, post: Post) -> None:
        comments = []
        for raw in item.comments:
            if raw.type in ("pingback", "trackback"):
                self.summary.skipped["pingbacks and trackbacks"] += 1
                continue
            comments.append(self._comment(raw, item))
        if not comments:
            return
        result = comments_import(
            post=post,
            comments=comments,
            source=self.label,
            post_is_new=post.pk in self._new_posts,
        )
        self._pending_comments += result.created
        self.summary.orphans += result.orphans
        self.summary.flattened += result.flattened
        if result.kept:
            self.summary.comments["already imported"] += result.kept
        for comment in comments:
            if comment.original_id in result.ids:
                self.summary.comments[comment.status.label.lower()] += 1
                self._redirect(
                    [f"{self.home}?replytocom={comment.original_id}"],
                    post=post,
                    fragment=f"comment-{result.ids[comment.original_id]}",
                )

    def _comment(self, raw: wxr.Comment, item) -> ImportedComment:
        author = None
        if raw.user_id and raw.user_id in self.logins_by_id:
            known = self.authors.get(self.logins_by_id[raw.user_id])
            author = known.user if known is not None else None
        created = (
            raw.date_gmt.replace(tzinfo=UTC)
            if raw.date_gmt
            else raw.date.replace(tzinfo=self.zone)
            if raw.date
            else self._published_at(item) or datetime.now(UTC) - timedelta(days=1)
        )
        return ImportedComment(
            original_id=raw.wp_id,
            parent_original_id=raw.parent or None,
            body=content.comment_text(raw.content),
            status=COMMENT_STATUS.get(raw.approved, Comment.Status.PENDING),
            created_at=created,
            author=author,
            guest_name=tidy_name(raw.author) or "Anonymous",
            guest_email=raw.email,
            original_status=raw.approved,
        )
