# syntax=docker/dockerfile:1

# --- Front-end assets: GOV.UK Frontend + the council stylesheet -> /src/build/static --------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# The tests' OpenID Connect provider (a devDependency) is not needed to build the assets.
RUN npm ci --omit=dev --no-audit --no-fund
COPY frontend/ frontend/
RUN npm run build

# --- Application ---------------------------------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DEBUG=0 \
    PRIVATE_MEDIA_ROOT=/data/private-media \
    STATIC_ROOT=/app/staticfiles

RUN groupadd --system ucp \
    && useradd --system --gid ucp --home-dir /app --no-create-home --shell /usr/sbin/nologin ucp

WORKDIR /app

# Dependencies first, for layer caching. The project lists no Python packages of its own
# (`packages = []`), so this installs exactly the runtime dependencies (no dev extras).
# WeasyPrint renders letters to PDF with Pango, HarfBuzz and the DejaVu fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml ./
RUN pip install .

COPY . .
COPY --from=assets /src/build/static/ build/static/

# Hashed, compressed static files for WhiteNoise. The key is only for this build step.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p "$PRIVATE_MEDIA_ROOT" \
    && chown -R ucp:ucp /data

USER ucp
EXPOSE 8000
VOLUME ["/data/private-media"]

CMD ["gunicorn", "ucp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
