"""The blog app's models, one module per noun; everything is importable from here."""

from blog.models.post import SEARCH_CONFIG, Post, PostAuthor, authors_in_print
from blog.models.redirect import Redirect
from blog.models.site_page import SitePage
from blog.models.tag import Tag

__all__ = [
    "SEARCH_CONFIG",
    "Post",
    "PostAuthor",
    "Redirect",
    "SitePage",
    "Tag",
    "authors_in_print",
]
