from django.shortcuts import get_object_or_404, render

from blog.models import Post


def home(request):
    """The front page: latest essays (filled in by the essays feature)."""
    return render(request, "blog/home.html")


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return render(request, "blog/post_detail.html", {"post": post})
