# strata's own image: a Debian 12 builder compiles the binary and the bundled rules' Hyperscan
# database; the runtime stage holds only the stripped binary, its runtime libraries, patterns/
# and the compiled rules, and runs as a non-root user.
#
#   docker build -t strata .                      # FROM debian:12-slim
#   docker build --build-arg BASE=localhost/debian:12-minbase -t strata .   # a local base
#   docker run --rm -v "$PWD:/work" strata scan /work/app.docker.tar
#
# scripts/build-image.sh builds it offline (with Docker Engine and with buildah) and checks it.
ARG BASE=debian:12-slim

FROM ${BASE} AS builder
ENV DEBIAN_FRONTEND=noninteractive
# The compile dependencies are the ones scripts/install-deps.sh installs for a host build.
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean \
    && /tmp/install-deps.sh --build-only \
    && apt-get install -y -q --no-install-recommends ccache binutils
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY include include
COPY src src
COPY patterns patterns
# Release without tests or benchmarks: only the binary and the compiled rules beside it.
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
          -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCH=OFF \
          -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null \
    && cmake --build /build --target strata compiled_rules \
    && mkdir -p /out/bin /out/share/strata \
    && strip --strip-unneeded -o /out/bin/strata /build/src/app/strata \
    && cp -r /src/patterns /out/share/strata/patterns \
    && cp -r /build/src/app/compiled-rules /out/share/strata/compiled-rules

FROM ${BASE} AS runtime
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="strata" \
      org.opencontainers.image.description="Finds leaked secrets in container images" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
ENV DEBIAN_FRONTEND=noninteractive
# The shared libraries `ldd strata` lists come from these packages; ca-certificates lets it
# reach registries over TLS.
RUN apt-get update -q \
    && apt-get install -y -q --no-install-recommends ca-certificates libhyperscan5 \
         libarchive13 libcurl4 libspdlog1.10 libfmt9 libyaml-cpp0.7 libpcre2-8-0 libzstd1 \
         zlib1g libisal2 libsqlite3-0 libssl3 \
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/strata strata
COPY --from=builder /out/bin/strata /usr/local/bin/strata
COPY --from=builder /out/share/strata /usr/local/share/strata
# The precompiled database: the container starts without compiling the rules.
ENV STRATA_COMPILED_RULES_DIR=/usr/local/share/strata/compiled-rules
USER strata
WORKDIR /home/strata
ENTRYPOINT ["strata"]
CMD ["--help"]
