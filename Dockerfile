# mentord as a container: a static binary on a distroless base, run as an
# unprivileged user. Build: docker build -t mentord .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: the SQLite driver is pure Go, so the binary is static and runs on
# an image without a C library. Time zones are embedded (time/tzdata).
# VERSION is what `mentord version` prints (.git is not copied in):
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t mentord .
ARG VERSION=unreleased
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.release=${VERSION}" -o /out/mentord ./cmd/mentord \
    && mkdir -p /out/data/media

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mentord /usr/local/bin/mentord
# /data holds the SQLite database and uploaded photos unless DATABASE_URL
# points elsewhere; mount a volume there.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV DATABASE_URL=sqlite:/data/mentord.db \
    MEDIA_ROOT=/data/media \
    MENTORD_ADDR=:8000
USER 65532:65532
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=6s --start-period=20s --retries=3 CMD ["mentord", "healthcheck"]
ENTRYPOINT ["mentord"]
CMD ["serve"]
