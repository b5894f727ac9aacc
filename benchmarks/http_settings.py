"""Settings of the HTTP benchmark: the real ones, with the bench-only URLs (benchmarks.http_app)."""

from motcua.config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_app"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
