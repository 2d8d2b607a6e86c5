# One image for every service; the container's command picks the service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY services/shared/package.json services/shared/
COPY services/ingest/package.json services/ingest/
COPY services/entropy/package.json services/entropy/
COPY services/verifier/package.json services/verifier/
COPY services/rewarder/package.json services/rewarder/
COPY services/router/package.json services/router/
COPY services/api/package.json services/api/
COPY services/app/package.json services/app/
COPY services/cli/package.json services/cli/
COPY firmware-sim/package.json firmware-sim/
# npm ci applies them (postinstall, patch-package): a fix to postgres.js, see README.
COPY patches/ patches/
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# DATA_DIR of the containers (docker-compose.yml): the processes run as node and write there (the
# rewarder's manifests, keys generated when not provided). A named volume mounted at /data or below
# takes the owner of the image's folder, so it must exist here, owned by node.
RUN mkdir -p /data/manifests && chown -R node:node /data
USER node
EXPOSE 3000 1700/udp
ENTRYPOINT ["node", "--import", "tsx", "services/app/src/main.ts"]
CMD ["all"]
