# syntax=docker/dockerfile:1
# The kura sidecar image: `kura serve` on Node.js 20, as a non-root user, with nothing written
# to the root filesystem at run time (the token file goes to a mounted volume), so it runs with
# readOnlyRootFilesystem: true.
#
# NOTE: no test or CI job builds this image, because no Docker engine runs where the tests run.
# test/packaging/dockerfile.test.ts checks what it can without one: the copied paths exist, the
# user is non-root, and the entry point starts without writing into the image's files.
#
#   docker build -t kura:0.1.0 .
#   docker run --rm -e AWS_REGION=us-east-1 -v kura-token:/var/run/kura kura:0.1.0 \
#     serve --spc /etc/kura/secretproviderclass.yaml --token-file /var/run/kura/token

ARG NODE_IMAGE=node:20.19-bookworm-slim

# Build: every dependency, then the TypeScript build of both packages.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY packages/sdk/package.json packages/sdk/tsconfig.json packages/sdk/
COPY packages/sidecar/package.json packages/sidecar/tsconfig.json packages/sidecar/
# --ignore-scripts: the root `prepare` script builds, and the sources are not copied yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY packages/sdk/src packages/sdk/src
COPY packages/sidecar/src packages/sidecar/src
COPY packages/sidecar/bin packages/sidecar/bin
RUN npx tsc -b packages/sdk packages/sidecar

# Production dependencies only; the workspace links point at packages/, filled in below.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/sidecar/package.json packages/sidecar/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/package.json package.json
COPY --from=deps /app/packages/sdk/package.json packages/sdk/package.json
COPY --from=deps /app/packages/sidecar/package.json packages/sidecar/package.json
COPY --from=build /src/packages/sdk/dist packages/sdk/dist
COPY --from=build /src/packages/sidecar/dist packages/sidecar/dist
COPY --from=build /src/packages/sidecar/bin packages/sidecar/bin
# The `node` user of the official image, by number, so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 2773
ENTRYPOINT ["node", "/app/packages/sidecar/dist/cli.js"]
CMD ["serve", "--help"]
