# Cloudplane's image: one image for every role (api, worker, sim, all), chosen by the command.
#
#   docker build -t cloudplane .
#   docker run -e NODE_ENV=production -e CLOUDPLANE_SECRET_KEY=$(openssl rand -hex 32) \
#     -e DATABASE_URL=… -e REDIS_URL=… -p 8080:8080 cloudplane node --import tsx src/main.ts api
#
# The build stage has the development dependencies, for `prisma generate`; the final stage has
# production dependencies only (tsx is one: the service runs its TypeScript directly), runs as
# the unprivileged `node` user, and starts node under tini so SIGTERM reaches it and children are
# reaped. In production mode the service refuses to start without CLOUDPLANE_SECRET_KEY, and it
# never starts stores of its own: give it DATABASE_URL and REDIS_URL.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed (npm 11 skips them by default); `npm install` installs the locked
# versions, where `npm ci` can refuse a lockfile over optional platform packages (npm/cli#9846).
RUN npm install --ignore-scripts --no-audit --no-fund
COPY prisma ./prisma
COPY prisma.config.ts ./
# generate never runs the schema engine; pointing at any executable keeps the CLI from fetching one.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate --no-hints

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Owned by root and only readable by the service: it cannot rewrite its own code.
COPY tsconfig.json ./
COPY bin ./bin
COPY prisma/migrations ./prisma/migrations
COPY src ./src
COPY --from=build /app/src/generated ./src/generated
USER node
EXPOSE 8080
# -s: still a subreaper when `docker run --init` (or compose `init: true`) puts its own init first.
ENTRYPOINT ["/usr/bin/tini", "-s", "--"]
CMD ["node", "--import", "tsx", "src/main.ts", "all"]
