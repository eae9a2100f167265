# efm-onboarding: Node 20 on Debian bookworm, Debian's Chromium for PDF rendering.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell fonts-dejavu-core icc-profiles-free poppler-utils tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system efm && useradd --system --gid efm --home-dir /app --shell /usr/sbin/nologin efm
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY templates ./templates
COPY assets ./assets
COPY bin ./bin
RUN mkdir -p /app/data && chown efm:efm /app/data
USER efm
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini reaps Chromium's helper processes and forwards SIGTERM for a graceful stop.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
