# Privacy ledger image. Stores come from the environment: embedded SQLite under
# LEDGER_DATA_DIR (/app/data) by default, KurrentDB (EventStoreDB) and MongoDB when
# EVENTSTORE_CONNECTION_STRING / MONGODB_URL are set (see docs/deployment.md).
# Build:  docker build -t privacy-ledger .      Run: docker compose up --build (several instances)
# Base: Node 24 LTS, the Node line the full CI suite runs on.

# ---- toolchain: better-sqlite3 (a production dependency) is built from source when no
# prebuilt binary can be downloaded, and node-gyp then needs Python 3 and a C++ toolchain.
# Its install script runs because package.json's `allowScripts` approves it: npm releases that
# block unreviewed install scripts would otherwise skip the build and leave no binary ----
FROM node:24-bookworm-slim AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: every dependency, then compile TypeScript to dist/ ----
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- prod-deps: production dependencies only, native modules built with the toolchain ----
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: compiled code and production dependencies, no toolchain, not root ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    LEDGER_DATA_DIR=/app/data
WORKDIR /app
COPY --chown=node:node package.json ./package.json
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The ops dashboard's page, script and stylesheet (GET /ops), found next to dist/ at run time.
COPY --chown=node:node public ./public
# The data directory belongs to the unprivileged user, so a new named volume does too.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# The CLI is in the image too: docker compose run --rm ledger-projector node dist/cli/ledger.js rebuild
CMD ["node", "dist/main.js"]
