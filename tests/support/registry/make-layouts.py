#!/usr/bin/python3
"""Derives registry fixture images from a real single-image OCI layout (buildah's output).

    make-layouts.py attestation SRC DEST [--build-arg NAME=VALUE ...]
        DEST: an OCI layout whose tag "latest" is an image index, as `docker buildx build
        --provenance=mode=max --push` makes it: the image manifest (platform from its config)
        plus an attestation manifest (platform unknown/unknown, annotations
        vnd.docker.reference.type=attestation-manifest and vnd.docker.reference.digest=<image
        manifest>) whose one layer is an in-toto SLSA provenance statement about the image.
        With mode=max BuildKit records the build arguments in the provenance, so the given
        --build-arg values end up in that layer, as they do in real attestations.

    make-layouts.py foreign SRC DEST --url URL
        DEST: the image with one more layer on top, of media type
        application/vnd.oci.image.layer.nondistributable.v1.tar+gzip with "urls": [URL] (like
        Windows base layers). Its blob is written to DEST too, but registries never hold such
        blobs: clients are meant to fetch them from URL. The config gains its diff_id and a
        history step.

Prints the manifest digest of DEST's "latest" on stdout. Python standard library only.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"


class Layout:
    """An OCI image layout directory being written: content-addressed blobs and index.json."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def add(self, data, media_type, **extra):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with open(self.blob_path(digest), "wb") as f:
            f.write(data)
        return dict(mediaType=media_type, digest=digest, size=len(data), **extra)

    def add_json(self, value, media_type, **extra):
        return self.add(json.dumps(value, separators=(",", ":")).encode(), media_type, **extra)

    def blob_path(self, digest):
        return os.path.join(self.path, "blobs", "sha256", digest.split(":", 1)[1])

    def tag(self, descriptor, name="latest"):
        entry = dict(descriptor, annotations={"org.opencontainers.image.ref.name": name})
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [entry]}, f)


def read_json(path):
    with open(path, "rb") as f:
        return json.load(f)


def copy_source(src, dest):
    """Copies SRC's blobs into DEST; returns (manifest descriptor, manifest, config)."""
    index = read_json(os.path.join(src, "index.json"))
    entries = [m for m in index.get("manifests", []) if m.get("mediaType") == OCI_MANIFEST]
    if len(index.get("manifests", [])) != 1 or len(entries) != 1:
        sys.exit("make-layouts: %s: expected one image manifest in index.json" % src)
    blobs = os.path.join(src, "blobs", "sha256")
    for name in os.listdir(blobs):
        shutil.copyfile(os.path.join(blobs, name), dest.blob_path("sha256:" + name))
    manifest = read_json(dest.blob_path(entries[0]["digest"]))
    config = read_json(dest.blob_path(manifest["config"]["digest"]))
    return {k: entries[0][k] for k in ("mediaType", "digest", "size")}, manifest, config


def provenance(image_digest, build_args):
    hex_digest = image_digest.split(":", 1)[1]
    args = {"build-arg:" + name: value for name, value in build_args}
    return {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "pkg:docker/fixtures/attested@latest?platform=linux%2Famd64",
                     "digest": {"sha256": hex_digest}}],
        "predicate": {
            "builder": {"id": ""},
            "buildType": "https://mobyproject.org/buildkit@v1",
            "invocation": {"configSource": {"entryPoint": "Containerfile"},
                           "parameters": {"frontend": "dockerfile.v0", "args": args},
                           "environment": {"platform": "linux/amd64"}},
            "metadata": {"buildInvocationID": "fixture", "completeness": {
                "parameters": True, "environment": True, "materials": False}},
        },
    }


def make_attestation(args):
    dest = Layout(args.dest)
    image_desc, _, config = copy_source(args.src, dest)
    image_desc["platform"] = {"architecture": config.get("architecture", "amd64"),
                              "os": config.get("os", "linux")}
    statement = dest.add_json(provenance(image_desc["digest"], args.build_arg), IN_TOTO,
                              annotations={"in-toto.io/predicate-type":
                                           "https://slsa.dev/provenance/v0.2"})
    attestation_config = dest.add_json(
        {"architecture": "unknown", "os": "unknown", "config": {},
         "rootfs": {"type": "layers", "diff_ids": [statement["digest"]]}}, OCI_CONFIG)
    attestation = dest.add_json(
        {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": attestation_config,
         "layers": [statement]}, OCI_MANIFEST,
        platform={"architecture": "unknown", "os": "unknown"},
        annotations={"vnd.docker.reference.digest": image_desc["digest"],
                     "vnd.docker.reference.type": "attestation-manifest"})
    index = dest.add_json({"schemaVersion": 2, "mediaType": OCI_INDEX,
                           "manifests": [image_desc, attestation]}, OCI_INDEX)
    dest.tag(index)
    return index["digest"]


def foreign_layer_tar():
    """A small gzip'd tar (mtime 0, so the digests are stable)."""
    data = b"a layer a registry never stores: clients fetch it from its URL\n"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("foreign/README")
        info.size, info.mtime, info.mode = len(data), 0, 0o644
        tar.addfile(info, io.BytesIO(data))
    tar_bytes = raw.getvalue()
    return tar_bytes, gzip.compress(tar_bytes, mtime=0)


def make_foreign(args):
    dest = Layout(args.dest)
    _, manifest, config = copy_source(args.src, dest)
    tar_bytes, gz_bytes = foreign_layer_tar()
    layer = dest.add(gz_bytes, NONDISTRIBUTABLE_GZIP, urls=[args.url])
    config["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(tar_bytes).hexdigest())
    config.setdefault("history", []).append(
        {"created": "1970-01-01T00:00:00Z", "created_by": "fixture: foreign layer"})
    manifest["config"] = dest.add_json(config, OCI_CONFIG)
    manifest["layers"].append(layer)
    image = dest.add_json(manifest, OCI_MANIFEST)
    dest.tag(image)
    return image["digest"]


def build_arg(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("want NAME=VALUE")
    return name, value


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="kind", required=True)
    a = sub.add_parser("attestation")
    a.add_argument("--build-arg", type=build_arg, action="append", default=[])
    f = sub.add_parser("foreign")
    f.add_argument("--url", required=True)
    for s in (a, f):
        s.add_argument("src")
        s.add_argument("dest")
    args = p.parse_args()
    if os.path.exists(args.dest):
        shutil.rmtree(args.dest)
    print(make_attestation(args) if args.kind == "attestation" else make_foreign(args))


if __name__ == "__main__":
    main()
