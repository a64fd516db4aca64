from django.shortcuts import render


def home(request):
    """The front page: latest essays (filled in by the essays feature)."""
    return render(request, "blog/home.html")
