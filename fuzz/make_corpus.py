#!/usr/bin/python3
"""Writes the fuzz harnesses' seed corpora (fuzz/corpus/<harness>/) from the real `clean`
fixture image (a docker-archive built by tests/support/build-real-images.sh, no secrets) and a
few hand-made shapes each parser must take. Seeds stay small (a few KB each): the busybox
layer is replaced by an empty tar.

usage: fuzz/make_corpus.py BUILD/fixtures/real/clean.docker.tar [OUT_DIR]
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

EMPTY_TAR = b"\0" * 1024


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    """members: (name, bytes | None for a directory | ("sym"|"link"|"wh", target))."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
            elif isinstance(data, tuple):
                info.type = tarfile.SYMTYPE if data[0] == "sym" else tarfile.LNKTYPE
                info.linkname = data[1]
            else:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if isinstance(data, bytes) else None)
    return out.getvalue()


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def zip_bytes(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():  # a fixed date keeps the seeds reproducible
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def read_fixture(path):
    with tarfile.open(path) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    manifest = json.loads(files["manifest.json"])[0]
    return files, manifest


def write(out, harness, name, data):
    os.makedirs(os.path.join(out, harness), exist_ok=True)
    with open(os.path.join(out, harness, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def layer_seeds(out, files, manifest):
    layers = [files[name] for name in manifest["Layers"][1:]]  # the small ones
    nested = tar_bytes([("app/", None), ("app/lib.jar", zip_bytes({"META-INF/MANIFEST.MF": "v: 1\n"})),
                        ("app/inner.tar.gz", gzip.compress(layers[0], mtime=0)),
                        ("app/notes.log.zst", zstd(b"log line\n" * 20)),
                        ("app/.wh.old", b""), ("app/.wh..wh..opq", b""),
                        ("app/link", ("sym", "lib.jar")), ("app/hard", ("link", "app/lib.jar"))])
    long_names = tar_bytes([("d/" + "n" * 150 + "/f.txt", b"x" * 600)], tarfile.PAX_FORMAT)
    gnu = tar_bytes([("g/" + "m" * 120, b"gnu\n")], tarfile.GNU_FORMAT)
    seeds = {"real-layer-2.tar": layers[0], "real-layer-3.tar": layers[1], "nested.tar": nested,
             "pax-long-name.tar": long_names, "gnu-long-name.tar": gnu,
             "real-layer-2.tar.gz": gzip.compress(layers[0], mtime=0),
             "real-layer-3.tar.zst": zstd(layers[1]), "nested.tar.gz": gzip.compress(nested, mtime=0)}
    for name, data in seeds.items():
        write(out, "layer_walk", name, data)
    write(out, "decoders", "gzip-member", b"\0" + gzip.compress(layers[0], mtime=0))
    write(out, "decoders", "gzip-two-members",
          b"\2" + gzip.compress(b"a" * 100, mtime=0) + gzip.compress(b"b" * 100, mtime=0))
    write(out, "decoders", "zstd-frame", b"\1" + zstd(layers[1]))


def json_seeds(out, files, manifest):
    config = files[manifest["Config"]]
    write(out, "image_config", "real-config.json", config)
    for i, entry in enumerate(json.loads(config)["history"]):
        write(out, "history", f"real-{i}", entry["created_by"])
    write(out, "history", "buildkit-args", "RUN |2 A=1 TOKEN=x /bin/sh -c make # buildkit")
    write(out, "history", "buildah-mount", "/bin/sh -c --mount=type=secret,id=npm npm ci")
    write(out, "history", "classic-env", "/bin/sh -c #(nop)  ENV K=V OTHER=\"a b\"")
    # An OCI index, its manifest and the config, as the registry and layout walker read them.
    config_desc = {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + hashlib.sha256(config).hexdigest(), "size": len(config)}
    layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar", "size": 1024,
             "digest": "sha256:" + hashlib.sha256(EMPTY_TAR).hexdigest()}
    oci_manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": config_desc, "layers": [layer] * 3}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": len(oci_manifest),
        "digest": "sha256:" + hashlib.sha256(oci_manifest).hexdigest(),
        "platform": {"architecture": "amd64", "os": "linux"},
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}).encode()
    write(out, "manifest", "oci-index", b"\0" + index + b"\0" + oci_manifest + b"\0" + config)
    write(out, "manifest", "oci-manifest", b"\1" + oci_manifest + b"\0" + config)
    return config, oci_manifest, index


def archive_seeds(out, files, manifest, oci):
    config, oci_manifest, index = oci
    small = dict(files)
    small[manifest["Layers"][0]] = EMPTY_TAR
    legacy = [(name, small[name]) for name in sorted(small)]
    write(out, "image_archive", "real-docker-archive.tar", b"\1" + tar_bytes(legacy))
    blobs = [(f"blobs/sha256/{hashlib.sha256(d).hexdigest()}", d)
             for d in (config, oci_manifest, EMPTY_TAR)]
    layout = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", index)] + blobs
    write(out, "image_archive", "oci-archive.tar", b"\0" + tar_bytes(layout))
    write(out, "image_archive", "rootfs.tar", b"\0" + small[manifest["Layers"][2]])


def text_seeds(out, source_dir):
    images = os.path.join(source_dir, "tests/support/real-images")
    # The dockerfile harness's first byte: even for a Dockerfile, odd for a .dockerignore whose
    # second half is the paths to match.
    for name in ("clean.Containerfile", "multistage.Containerfile"):
        with open(os.path.join(images, name), "rb") as f:
            write(out, "dockerfile", name, b"\0" + f.read())
    write(out, "dockerfile", "heredoc", "\0# syntax=docker/dockerfile:1\nARG V=1\nFROM base AS b\n"
          "RUN <<EOF\necho ${V:-x} $HOME\nEOF\nCOPY --from=b \\\n  /a /b\n")
    ignore = "**/.env\n!keep/.env\n/node_modules\n*.pem\n[a-c]?/x\n"
    paths = "app/.env\nkeep/.env\nnode_modules/a/b\nkey.pem\nb1/x\n"
    write(out, "dockerfile", "dockerignore", "\1" + ignore.ljust(len(paths), "#") + paths)
    rule = ("rules:\n  - id: example.token\n    name: Example token\n    description: >-\n"
            "      A made-up token shape for the fuzzer's seed.\n"
            "    pattern: '\\b(?P<secret>extok_[a-z0-9]{20})\\b'\n    min_entropy: 3.0\n"
            "    severity: high\n    confidence: medium\n    categories: [example]\n"
            "    negative_examples:\n      - 'extok_your-token-here'\n")
    write(out, "rule_loader", "one-rule.yml", rule)
    write(out, "ignore_file", "lines", "usr/share/doc/readme\n0123456789abcdef0123456789abcdef"
          "  expires=2026-12-31  # rotated\nrule=generic.* path=usr/share/doc/**  # docs\n")
    write(out, "ignore_file", "yaml", "- fingerprint: 0123456789abcdef0123456789abcdef\n"
          "  reason: rotated\n  expires: 2026-12-31\n- {rule: \"generic.*\", path: \"a/**/b?\","
          " reason: docs}\n")
    write(out, "registry_headers", "bearer",
          'Bearer realm="https://auth.example/token",service="registry.example",'
          'scope="repository:team/app:pull"\n</v2/_catalog?last=b&n=100>; rel="next"')
    write(out, "registry_headers", "basic", 'Basic realm="Registry", Bearer realm="x"\n'
          '<https://other.example/v2/_catalog?n=1>; rel="prev", </v2/x?n=2>; rel=next')


def baseline_seeds(out):
    fp = "0123456789abcdef0123456789abcdef"
    report = {"schema_version": 1, "findings": [
        {"fingerprint": fp, "locations": [{"fingerprint": fp[::-1], "path": "app/.env"}]},
        {"fingerprint": fp.upper(), "suppression": {"kind": "ignore-file", "reason": "x"}}]}
    write(out, "baseline", "report.json", json.dumps(report, indent=1))
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "strata"}}, "results": [
        {"partialFingerprints": {"strataFingerprint/v1": fp},
         "locations": [{"properties": {"location_fingerprint": fp[::-1]}}],
         "suppressions": [{"kind": "external", "justification": "baseline"}]}]}]}
    write(out, "baseline", "report.sarif", json.dumps(sarif, indent=1))


def main():
    fixture = sys.argv[1]
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(source_dir, "fuzz/corpus")
    for harness in ("dockerfile", "rule_loader", "ignore_file", "registry_headers"):
        os.makedirs(os.path.join(out, harness), exist_ok=True)
    files, manifest = read_fixture(fixture)
    layer_seeds(out, files, manifest)
    oci = json_seeds(out, files, manifest)
    archive_seeds(out, files, manifest, oci)
    text_seeds(out, source_dir)
    baseline_seeds(out)


if __name__ == "__main__":
    main()
