# Built by a real Docker Engine (BuildKit and the classic builder). The classic build drops
# every line that mentions --mount=.
FROM scratch
ADD rootfs.tar /
ARG NPM_TOKEN
ENV STRIPE_API_KEY=@STRIPE_KEY@
WORKDIR /app
COPY .env .
COPY id_rsa /app/id_rsa
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc && echo built > /app/artifact.txt
RUN --mount=type=secret,id=npm_token test -s /run/secrets/npm_token && wc -c < /run/secrets/npm_token > /app/secret-len.txt
RUN rm -f /app/id_rsa
CMD ["/bin/sh"]
