import functools
from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import Author
from blog.models import Post, SitePage, Tag
from blog.search import clean_query, highlight, search_posts
from comments.thread import comment_thread  # the one read function blog asks of comments
from config.database.compiled import (
    NOW_STAND_IN,
    TEXT_STAND_IN,
    Statement,
    compile_instances,
    fetch_instance,
)
from config.links import absolute_url
from config.page_cache import answers_query, public_seconds_left, site_version
from config.page_parts import PageInParts

PER_PAGE = 10


def _page(request, queryset):
    """The requested page of a list; out-of-range or malformed numbers give the nearest page."""
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated here: templates run no queries
    answers_query(request, f"page={page.number}" if page.number > 1 else "")
    return page


def _nonempty_page(request, queryset):
    """Like _page, but a list with no published essay at all is not found (no empty pages)."""
    page = _page(request, queryset)
    if not page.paginator.count:
        raise Http404
    return page


def _listing():
    return Post.objects.published().with_bylines()


@require_safe
def home(request):
    """The front page: the latest essays, newest first."""
    return render(request, "blog/home.html", {"page_obj": _page(request, _listing())})


def _surroundings(post) -> tuple:
    """The essays before and after this one and the related ones: the same for every viewer, so
    kept in the shared cache under the site's version (every editorial change moves it) and
    never past the next scheduled publication."""
    key = f"essay-surroundings:{post.pk}:{site_version()}"
    found = cache.get(key)
    if found is None:
        found = (*post.neighbours(), post.related())
        cache.set(key, found, public_seconds_left())
    return found


def _essay_context(post, thread, *, is_preview=False) -> dict:
    if is_preview:  # a draft's or an unsaved form's: not what the public sees
        previous, following, related = (*post.neighbours(), post.related())
    else:
        previous, following, related = _surroundings(post)
    context = {
        "post": post,
        "byline_authors": post.byline_authors,
        "tags": post.tag_list,
        "thread": thread,
        "is_preview": is_preview,
        "previous_post": previous,
        "next_post": following,
        "related_posts": related,
        "share_url": absolute_url(post.get_absolute_url()),
    }
    if post.featured_image:
        # Absolute for link previews: on SITE_URL, or the bucket's public address as is.
        context["featured_image_url"] = absolute_url(post.featured_image.url)
    return context


def _essay_page(request, post, *, page: PageInParts | None):
    """The essay page: the viewer's parts in the page kept for its address, or whole (previews)."""
    # The essay page is the one place where blog asks comments for something: the thread.
    thread = comment_thread(request=request, post=post)
    answers_query(request, thread.page_query)
    if page is None:
        context = _essay_context(post, thread, is_preview=True)
        return render(request, "blog/post_detail.html", context)
    context = {"post": post, "thread": thread} if page.is_kept else _essay_context(post, thread)
    # The comment form goes when comments close: a kept copy of the page must not outlive it.
    fresh_until = post.comments_close_at()
    response = page.render("blog/post_detail.html", context, fresh_until=fresh_until)
    response.fresh_until = fresh_until
    return response


@require_safe
def post_detail(request, slug):
    # A page kept for this address (config.page_parts) holds all that every viewer sees alike
    # (bylines, tags, the essays around it): then only the essay's own row is needed, for the
    # viewer's parts and the thread.
    page = PageInParts(request)
    if page.is_kept:
        post = _published_essay(slug)
    else:
        post = get_object_or_404(Post.objects.published().with_bylines().with_tags(), slug=slug)
    return _essay_page(request, post, page=page)


@functools.cache
def _published_essay_statement() -> Statement:
    # Compiled once per process (see config.database.compiled): on a kept page this row is all
    # the view asks of the database for the essay (with its authors who are members, for the
    # thread), and Django would take longer to compile it than the database to answer.
    essays = Post.objects.published(now=NOW_STAND_IN).with_author_user_ids()
    return compile_instances(essays.filter(slug=TEXT_STAND_IN))


def _published_essay(slug) -> Post:
    values = {NOW_STAND_IN: timezone.now(), TEXT_STAND_IN: slug}
    post = fetch_instance(_published_essay_statement(), values)
    if post is None:
        raise Http404
    return post


def can_preview(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("blog.view_post")


@never_cache
@require_safe
def post_preview(request, pk):
    """Any essay, published or not, exactly as readers will see it: for staff only."""
    if not can_preview(request.user):
        raise Http404
    post = get_object_or_404(Post.objects.with_bylines().with_tags(), pk=pk)
    return _essay_page(request, post, page=None)


@require_safe
def author_detail(request, slug):
    """An author's bio and published essays; unknown until their first essay is public."""
    author = get_object_or_404(Author, slug=slug)
    page = _nonempty_page(request, _listing().filter(authors=author))
    return render(request, "blog/author_detail.html", {"author": author, "page_obj": page})


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = _nonempty_page(request, _listing().filter(tags=tag))
    return render(request, "blog/tag_detail.html", {"tag": tag, "page_obj": page})


@require_safe
def archive_index(request):
    """Every month with published essays, and how many."""
    months = list(
        Post.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(essays=Count("id"))
        .order_by("-month")
    )
    return render(request, "blog/archive_index.html", {"months": months})


@require_safe
def archive_period(request, year, month=None):
    """The published essays of a year, or of one month of it."""
    if not 1 <= year <= 9999 or month is not None and not 1 <= month <= 12:
        raise Http404
    posts = _listing().filter(published_at__year=year)
    if month is not None:
        posts = posts.filter(published_at__month=month)
    page = _nonempty_page(request, posts)
    period = date(year, month or 1, 1)
    context = {"page_obj": page, "year": year, "month": month, "period": period}
    return render(request, "blog/archive_period.html", context)


@require_safe
def search(request):
    """Full-text search over titles, summaries and bodies of published essays."""
    query = clean_query(request.GET.get("q", ""))
    page = _page(request, search_posts(query)) if query else None
    for post in page.object_list if page else []:
        post.excerpt = highlight(post.headline)
    return render(request, "blog/search.html", {"query": query, "page_obj": page})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('blog:search')}",
        f"Sitemap: {absolute_url(reverse('blog:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def site_page(request, slug):
    """About, Contact, Privacy: the same for every reader (no session, no form), so a shared
    cache may keep it like any other public page."""
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "blog/site_page.html", {"page": page})
