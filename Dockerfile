# incident-bot: the bot, its dataset and its tools, on Node 20.
# The install step below is the one .ci/run runs (scripts/check-production-install.sh) on every
# submission, since no Docker engine runs on our machines: keep the two the same.

# --- build: production dependencies only; better-sqlite3 compiles here when no prebuilt binary fits.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- run: no compilers, a non-root user, the state folder as a volume.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    STATE_DIR=/var/lib/incident-bot \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY commands ./commands
COPY data ./data
RUN mkdir -p /var/lib/incident-bot && chown node:node /var/lib/incident-bot
USER node
VOLUME ["/var/lib/incident-bot"]
EXPOSE 8080
# Ready when the gateway is connected and the store answers (GET /healthz on HTTP_PORT).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.HTTP_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
