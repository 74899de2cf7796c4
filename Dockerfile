# Privacy ledger: embedded SQLite event store, data under /app/data.
# Build:  docker build -t privacy-ledger .      Run: docker compose up --build

# ---- build: install everything, compile TypeScript, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 is built from source when no prebuilt binary can be downloaded:
# node-gyp then needs Python 3 and a C++ toolchain.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies only ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    LEDGER_DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The data directory belongs to the unprivileged user, so a new named volume does too.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
CMD ["node", "dist/main.js"]
