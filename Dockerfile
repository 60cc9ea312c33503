# syntax=docker/dockerfile:1
# The production image: one image, every process type (scripts/serve PROCESS). Built from the same
# requirements.txt and run with the same command as DEPLOYING.md describes for a plain server.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /app/.venv \
    && /app/.venv/bin/pip install -r requirements.txt

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint's Pango and the letter's fonts; PostgreSQL's client for backups; no compilers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 imr
ENV IMR_ENV=production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SKIP_INSTALL=1 \
    PORT=8000 \
    PATH=/app/.venv/bin:$PATH
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --chown=imr:imr . .
# Static files are collected at build time with a throwaway configuration: no secret is baked in.
RUN DJANGO_SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 CELERY_BROKER_URL=memory:// DJANGO_ALLOWED_HOSTS=build \
    IMR_ORG_NAME=build python manage.py collectstatic --noinput -v 0
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"]
ENTRYPOINT ["scripts/serve"]
CMD ["web"]
