# Stratum API image. Build: docker build -t stratum .   Run: docker run -p 3000:3000 stratum
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
# `npm ci` runs `prepare`, which compiles src/ to dist/.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json schema.graphql ./
COPY bin ./bin
COPY semantic-layer ./semantic-layer
# The demo marts are generated on first start into /app/.data (mount a volume to keep them);
# in production set STRATUM_WAREHOUSE=bigquery and GOOGLE_CLOUD_PROJECT instead.
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
