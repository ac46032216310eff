#!/usr/bin/env python3
"""Builds the bench corpus: layer tars from cached real content plus planted fake secrets, and
OCI image layouts (gzip, zstd, uncompressed) made of them. Called by bench/make-corpus.sh.

  make_oci.py layers OUT DEBIAN_TGZ NODE_TGZ     -> OUT/layers/{debian,node,single}.tar
  make_oci.py image OUT NAME COMPRESSION TAR...  -> OUT/NAME (an OCI layout, one layer per TAR)
  make_oci.py bigfile OUT/layers/NAME.tar SIZE   -> a tar holding one SIZE-byte text file
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tarfile

CHUNK = 1 << 20


def fake_secrets(rng):
    """Fake secrets in the formats the rules look for, generated so no literal token is stored."""
    def pick(alphabet, n):
        return "".join(rng.choice(alphabet) for _ in range(n))
    b62 = string.ascii_letters + string.digits
    key_body = "\n".join(pick(b62 + "+/", 64) for _ in range(20))
    aws_id = "AK" + "IA" + pick(string.ascii_uppercase + "234567", 16)
    return {
        "app/config/.env": "GITHUB_TOKEN=" + "gh" + "p_" + pick(b62, 36) + "\n"
        "AWS_ACCESS_KEY_ID=" + aws_id + "\n"
        "AWS_SECRET_ACCESS_KEY=" + pick(b62 + "/+", 40) + "\n",
        "app/config/settings.py": "SLACK_TOKEN = '" + "xo" + "xb-" + pick(string.digits, 12) + "-" +
        pick(string.digits, 12) + "-" + pick(b62, 24) + "'\n",
        "root/.ssh/id_rsa": "-----BEGIN " + "RSA PRIVATE KEY-----\n" + key_body +
        "\n-----END " + "RSA PRIVATE KEY-----\n",
        "app/.npmrc": "//registry.npmjs.org/:_authToken=" + "np" + "m_" + pick(b62, 36) + "\n",
        "app/src/db.js": "const password = \"" + pick(b62, 20) + "\";\n",
    }


def add_bytes(out, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    out.addfile(info, io.BytesIO(data))


def copy_members(src_path, out, prefix=""):
    with tarfile.open(src_path, "r|gz") as src:
        for m in src:
            if prefix:
                m.name = prefix + m.name.lstrip("./")
                if m.islnk():
                    m.linkname = prefix + m.linkname.lstrip("./")
            if m.isfile():
                out.addfile(m, src.extractfile(m))
            elif m.ischr() or m.isblk() or m.isfifo():
                continue
            else:
                out.addfile(m)


def make_layers(out_dir, debian_tgz, node_tgz):
    layers = os.path.join(out_dir, "layers")
    os.makedirs(layers, exist_ok=True)
    secrets = fake_secrets(random.Random(5))
    def planted(out, keys):
        for k in keys:
            add_bytes(out, k, secrets[k].encode())
    with tarfile.open(os.path.join(layers, "debian.tar"), "w", format=tarfile.PAX_FORMAT) as out:
        copy_members(debian_tgz, out)
        planted(out, ["root/.ssh/id_rsa"])
    with tarfile.open(os.path.join(layers, "node.tar"), "w", format=tarfile.PAX_FORMAT) as out:
        copy_members(node_tgz, out, "app/")
        planted(out, [k for k in secrets if k != "root/.ssh/id_rsa"])
    with tarfile.open(os.path.join(layers, "single.tar"), "w", format=tarfile.PAX_FORMAT) as out:
        copy_members(debian_tgz, out)
        copy_members(node_tgz, out, "app/")
        planted(out, list(secrets))


def make_bigfile(tar_path, size):
    """One text file of `size` bytes: varied log-like lines, one fake secret near the end."""
    rng = random.Random(11)
    words = ["request", "served", "user", "cache", "miss", "hit", "GET", "POST", "/api/v1/items",
             "status", "200", "404", "latency_ms", "upstream", "retry", "session", "ok"]
    block = io.StringIO()
    while block.tell() < CHUNK:
        block.write("2026-11-27T10:%02d:%02d " % (rng.randrange(60), rng.randrange(60)))
        block.write(" ".join(rng.choice(words) for _ in range(rng.randrange(6, 14))) + "\n")
    block = block.getvalue().encode()[:CHUNK]
    tail = fake_secrets(random.Random(7))["app/config/.env"].encode()

    body_end = size - len(tail)

    class Reader(io.RawIOBase):
        pos = 0

        def readable(self):
            return True

        def readinto(self, b):
            if self.pos >= size:
                return 0
            if self.pos < body_end:
                off = self.pos % CHUNK
                n = min(len(b), CHUNK - off, body_end - self.pos)
                b[:n] = block[off:off + n]
            else:
                off = self.pos - body_end
                n = min(len(b), len(tail) - off)
                b[:n] = tail[off:off + n]
            self.pos += n
            return n

    info = tarfile.TarInfo("var/log/app/huge.log")
    info.size = size
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as out:
        out.addfile(info, io.BufferedReader(Reader(), CHUNK))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def write_blob(layout, data_path=None, data=None):
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return digest, len(data)
    digest = sha256_file(data_path)
    size = os.path.getsize(data_path)
    os.replace(data_path, os.path.join(blobs, digest))
    return digest, size


def make_image(out_dir, name, compression, tars):
    layout = os.path.join(out_dir, name)
    shutil.rmtree(layout, ignore_errors=True)
    os.makedirs(layout)
    layers, diff_ids, history = [], [], []
    for tar in tars:
        diff_ids.append("sha256:" + sha256_file(tar))
        tmp = os.path.join(layout, "layer.tmp")
        if compression == "gzip":
            subprocess.run(f"gzip -6 -n -c '{tar}' > '{tmp}'", shell=True, check=True)
            media = "application/vnd.oci.image.layer.v1.tar+gzip"
        elif compression == "zstd":
            subprocess.run(["zstd", "-q", "-3", "-T2", "-f", tar, "-o", tmp], check=True)
            media = "application/vnd.oci.image.layer.v1.tar+zstd"
        else:
            shutil.copyfile(tar, tmp)
            media = "application/vnd.oci.image.layer.v1.tar"
        digest, size = write_blob(layout, tmp)
        layers.append({"mediaType": media, "digest": "sha256:" + digest, "size": size})
        history.append({"created": "2026-01-01T00:00:00Z",
                        "created_by": "COPY " + os.path.basename(tar) + " / # buildkit"})
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history,
    }, sort_keys=True).encode()
    cdigest, csize = write_blob(layout, data=config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + cdigest, "size": csize},
        "layers": layers,
    }, sort_keys=True).encode()
    mdigest, msize = write_blob(layout, data=manifest)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + mdigest, "size": msize,
            "annotations": {"org.opencontainers.image.ref.name": "bench/" + name}}]}, f)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def main():
    cmd = sys.argv[1]
    if cmd == "layers":
        make_layers(*sys.argv[2:5])
    elif cmd == "image":
        make_image(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif cmd == "bigfile":
        make_bigfile(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
