#!/usr/bin/python3
"""Writes the small Fashion-MNIST subset that netc embeds as its built-in default data set.

Takes the FIRST 6000 training and the FIRST 1000 test images and labels from the real Fashion-MNIST files
and writes them as valid IDX files, gzip-compressed with level 9 and mtime 0 so that the output is
byte-for-byte reproducible. Only the standard library is used.

Usage: samples/data/make-fashion-subset.py [SOURCE_DIR [OUTPUT_DIR]]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist
  OUTPUT_DIR defaults to compiler/src/main/resources/netc/data/fashion-mnist-small (relative to the repo root)
"""
import gzip
import os
import struct
import sys

TRAIN_COUNT = 6000
TEST_COUNT = 1000
IMAGES_MAGIC = 0x00000803  # unsigned byte, 3 dimensions
LABELS_MAGIC = 0x00000801  # unsigned byte, 1 dimension

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "compiler", "src", "main", "resources", "netc", "data",
                              "fashion-mnist-small")


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[0:4])[0]
    if magic != expected_magic:
        sys.exit("%s: error: expected magic 0x%08x, found 0x%08x" % (path, expected_magic, magic))
    ndims = magic & 0xFF
    dims = list(struct.unpack(">%dI" % ndims, data[4:4 + 4 * ndims]))
    body = data[4 + 4 * ndims:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        sys.exit("%s: error: dimensions %s need %d bytes of data, found %d" % (path, dims, size, len(body)))
    return dims, body


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">%dI" % len(dims), *dims)
    # GzipFile with filename="" and mtime=0 keeps the name and time out of the gzip header: reproducible bytes.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(header)
            f.write(body)


def subset(source_dir, output_dir, prefix, count):
    dims, pixels = read_idx(os.path.join(source_dir, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC)
    label_dims, labels = read_idx(os.path.join(source_dir, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC)
    if dims[0] < count or label_dims[0] != dims[0]:
        sys.exit("error: %s has %d images and %d labels, need at least %d of each"
                 % (prefix, dims[0], label_dims[0], count))
    image_size = dims[1] * dims[2]
    write_idx(os.path.join(output_dir, prefix + "-images-idx3-ubyte.gz"), IMAGES_MAGIC,
              [count, dims[1], dims[2]], pixels[:count * image_size])
    write_idx(os.path.join(output_dir, prefix + "-labels-idx1-ubyte.gz"), LABELS_MAGIC, [count], labels[:count])
    print("%s: %d images of %dx%d and %d labels" % (prefix, count, dims[1], dims[2], count))


def main():
    source_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    output_dir = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT
    os.makedirs(output_dir, exist_ok=True)
    subset(source_dir, output_dir, "train", TRAIN_COUNT)
    subset(source_dir, output_dir, "t10k", TEST_COUNT)


if __name__ == "__main__":
    main()
