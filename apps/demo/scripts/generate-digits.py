#!/usr/bin/python3
"""Regenerates apps/demo/data/digits.bin.gz from Debian's python3-sklearn copy of the UCI optical-digits set.

Run from the repository root:  apt-get install -y python3-sklearn && /usr/bin/python3 apps/demo/scripts/generate-digits.py

Format (before gzip; all integers little-endian):
  bytes 0..7    ASCII magic "CDIGITS1"
  bytes 8..11   uint32 count (1797)
  bytes 12..13  uint16 width (8)
  bytes 14..15  uint16 height (8)
  then count * width * height uint8 pixels (row-major images, values 0..16)
  then count uint8 labels (0..9)
The gzip header carries no file name and mtime 0, so the output is byte-for-byte reproducible.
"""
import gzip
import io
import os
import struct

import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
pixels = digits.data.astype(np.uint8)
labels = digits.target.astype(np.uint8)
assert pixels.shape == (1797, 64) and pixels.max() <= 16 and np.array_equal(pixels, digits.data)
assert labels.shape == (1797,) and labels.max() <= 9

payload = b"CDIGITS1" + struct.pack("<IHH", len(labels), 8, 8) + pixels.tobytes() + labels.tobytes()
out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "digits.bin.gz")
buffer = io.BytesIO()
with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
    stream.write(payload)
with open(out_path, "wb") as handle:
    handle.write(buffer.getvalue())
print(f"wrote {os.path.normpath(out_path)}: {len(labels)} images, {len(buffer.getvalue())} bytes (gzip of {len(payload)})")
