"""Reading an OCI image layout for the bench scripts."""
import json
import os


def blob_path(layout, digest):
    algorithm, hex_digest = digest.split(":", 1)
    return os.path.join(layout, "blobs", algorithm, hex_digest)


def layer_blobs(layout):
    """The blob file of every layer of every manifest index.json lists."""
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    blobs = []
    for manifest in index["manifests"]:
        with open(blob_path(layout, manifest["digest"])) as f:
            blobs += [blob_path(layout, layer["digest"]) for layer in json.load(f)["layers"]]
    return blobs
