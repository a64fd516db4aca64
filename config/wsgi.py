import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.page_cache import CachedPagesFirst

# Readers' cached pages are answered before Django's request handling (config/page_cache.py).
application = CachedPagesFirst(get_wsgi_application())
