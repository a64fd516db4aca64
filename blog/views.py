from django.shortcuts import get_object_or_404, render

from blog.models import Post
from comments.thread import comment_thread  # the one read function blog asks of comments


def home(request):
    """The front page: latest essays (filled in by the essays feature)."""
    return render(request, "blog/home.html")


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.published(), slug=slug)
    thread = comment_thread(post=post, viewer=request.user)
    return render(request, "blog/post_detail.html", {"post": post, "thread": thread})
