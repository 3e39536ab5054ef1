# GreenInbox container image: production dependencies installed from package-lock.json, run by Bun as a non-root user.
#   docker build -t greeninbox .
#   docker run -p 3000:3000 -v greeninbox-data:/data greeninbox
# Keep BUN_VERSION in step with the `bun` version in package.json.
ARG BUN_VERSION=1.4.5
ARG NODE_VERSION=20

# --- dependencies: `npm ci` reproduces package-lock.json exactly -------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no test or migration-generation tools.
# --omit=optional --ignore-scripts: skip the `bun` npm package's ~90 MB platform binary; the runtime comes from
# the base image below. No production dependency needs an install script (PGlite is WebAssembly).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------------
FROM oven/bun:${BUN_VERSION} AS runtime
WORKDIR /app

# Backups of PostgreSQL run pg_dump, which must be of the server's major version (compose.yaml runs postgres:16):
# the client comes from the PostgreSQL apt repository (Debian's own is older). Set PG_MAJOR for another server.
ARG PG_MAJOR=16
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl; \
    . /etc/os-release; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    apt-get purge -y --auto-remove curl; \
    rm -rf /var/lib/apt/lists/*
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

# Application files stay owned by root (read-only for the app); only /data is writable.
COPY --from=deps /app/node_modules ./node_modules
# tsconfig.json is needed at run time: it tells Bun to compile JSX with hono/jsx.
COPY package.json tsconfig.json ./
COPY drizzle ./drizzle
COPY public ./public
COPY views ./views
COPY src ./src

# The official image has a non-root `bun` user (uid 1000).
RUN mkdir -p /data && chown bun:bun /data
VOLUME ["/data"]
USER bun

EXPOSE 3000
# GET /healthz answers 200 when the database answers, 503 otherwise. The image has no curl: use Bun's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM (docker stop) shuts the server down gracefully.
STOPSIGNAL SIGTERM
CMD ["bun", "src/main.ts", "serve"]
