# strata's own image: a Debian 12 builder compiles the binary and the bundled rules' Hyperscan
# database; the runtime image holds only the stripped binary, the shared libraries it loads,
# patterns/, the compiled rules and busybox as a shell, and runs as a non-root user.
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

# The runtime root, assembled from the builder: the shared libraries `ldd strata` lists (glibc
# included), the CA bundle for registries over TLS, busybox as /bin/sh (CI systems such as
# GitLab run their job scripts with a shell inside the image) and the non-root user. Copying what
# ldd lists onto an empty root gives a far smaller image than the Debian runtime packages on a
# Debian base (README, "Run it as a container").
FROM builder AS rootfs
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    apt-get update -q \
    && apt-get install -y -q --no-install-recommends ca-certificates busybox-static
RUN set -e; R=/rootfs; mkdir -p $R/bin $R/etc/ssl/certs $R/tmp $R/home /home-skel/strata; chmod 1777 $R/tmp; \
    for lib in $(ldd /out/bin/strata | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do \
      cp -L --parents "$lib" $R; \
    done; \
    cp /etc/ssl/certs/ca-certificates.crt $R/etc/ssl/certs/; \
    cp /bin/busybox $R/bin/busybox; \
    for applet in $(/bin/busybox --list); do [ -e $R/bin/$applet ] || ln -s busybox $R/bin/$applet; done; \
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'strata:x:10001:10001:strata:/home/strata:/bin/sh' \
      'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >$R/etc/passwd; \
    printf '%s\n' 'root:x:0:' 'strata:x:10001:' 'nogroup:x:65534:' >$R/etc/group

FROM scratch AS runtime
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="strata" \
      org.opencontainers.image.description="Finds leaked secrets in container images" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=rootfs /rootfs /
COPY --from=rootfs --chown=10001:10001 /home-skel/strata /home/strata
COPY --from=builder /out/bin/strata /usr/local/bin/strata
COPY --from=builder /out/share/strata /usr/local/share/strata
# The precompiled database: the container starts without compiling the rules.
ENV PATH=/usr/local/bin:/bin \
    HOME=/home/strata \
    STRATA_COMPILED_RULES_DIR=/usr/local/share/strata/compiled-rules
USER 10001:10001
WORKDIR /home/strata
ENTRYPOINT ["strata"]
CMD ["--help"]
