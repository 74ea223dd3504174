"""Argon's image data sets and preprocessing in Python (numpy and Pillow; no torch), for train_ddp.py.

What Argon's loaders do (src/data/image-manifest.ts, image-folder.ts, image-ops.ts, image-cache.ts),
reproduced so that PyTorch sees the inputs Argon would:

  * listing: a CSV manifest (a header; the image path relative to the CSV in the first column and
    inside its folder, the integer label >= 0 or a class name in the second, names becoming labels
    in sorted order; an optional `split` column selects rows) or a folder with one subfolder per
    class (sorted names -> labels 0, 1, ...; .jpg/.jpeg/.png files, sorted);
  * pixels: 8-bit RGB, grey (C = 1) by BT.601 luma rounded half up, then Argon's bilinear resize
    (half-pixel centres, no anti-alias filter, rounded half up) to the model's H x W, as CHW uint8;
    the values reach the network as 0-255 floats: the graph's own Normalizer scales them.
  * Argon's decoded-image cache: when Argon has loaded the same listing at the same input shape
    (`argon train`/`eval`, ImageManifest, ImageFolder), it wrote every image's pixels to
    <cache dir>/images/<hash>-<name>-CxHxW[-split][-nLIMIT].bin (src/data/image-cache-store.ts; the
    cache dir is $ARGON_CACHE_DIR, else $XDG_CACHE_HOME/argon or ~/.cache/argon), keyed by the
    listing and every image's size and modification time, with a checksum of its contents. Reading
    that file gives exactly Argon's pixels. Without it the images are decoded with Pillow
    (libjpeg), whose JPEG decoding differs slightly from Argon's jpeg-js (on the faces set: a mean
    absolute difference of 1.1 of 255, a third of the values equal); PNG decodes identically.
"""
import csv
import io
import os
import re

import numpy as np

from argon_cache import read_argon_cache

IMAGE_EXT = ('.jpg', '.jpeg', '.png')


class Listing:
    """The images of a data set, in Argon's order, and what keys Argon's cache of them."""

    def __init__(self, paths, labels, location, key, variant, owner):
        self.paths, self.labels = paths, labels
        self.location, self.key, self.variant, self.owner = location, key, variant, owner
        self.class_names = None


def _safe(name):
    return ''.join(ch if ch.isascii() and (ch.isalnum() or ch in '_.-') else '_' for ch in name)


def list_manifest(csv_path, split=None, allow_outside=False):
    """Rows of a CSV manifest as Argon's readManifest reads them; errors name the line."""
    owner = f'manifest {csv_path}' + ('' if split is None else f" (split '{split}')")
    with open(csv_path, 'rb') as f:
        raw = f.read()
    rows = [(n, r) for n, r in _csv_rows(raw.decode('utf-8-sig')) if any(v.strip() for v in r)]
    if not rows:
        raise ValueError(f'{owner}: the CSV is empty (a header line is required)')
    header = [h.strip().lower() for h in rows[0][1]]
    if len(header) < 2:
        raise ValueError(f'{owner}: the header must have at least 2 columns (path, label), got {",".join(rows[0][1])!r}')
    split_col = header.index('split') if 'split' in header else -1
    if split is not None and split_col < 0:
        raise ValueError(f"{owner}: split '{split}' asked for, but the CSV has no 'split' column")
    base = os.path.abspath(os.path.dirname(csv_path))
    listed = []
    for line, fields in rows[1:]:
        if len(fields) < max(2, split_col + 1):
            raise ValueError(f'{owner}: line {line} has {len(fields)} field(s), expected {len(header)}')
        file = fields[0].strip()
        if not file:
            raise ValueError(f'{owner}: line {line} has an empty path')
        keep = split is None or fields[split_col].strip() == split
        listed.append((file, fields[1].strip(), line, keep))
    labels, class_names = _resolve_labels(listed, owner)
    paths, kept = [], []
    for (file, _, line, keep), label in zip(listed, labels):
        if not keep:
            continue
        path = os.path.normpath(os.path.join(base, file))
        rel = os.path.relpath(path, base)
        if not allow_outside and (rel == '..' or rel.startswith('..' + os.sep) or os.path.isabs(rel)):
            raise ValueError(f"{owner}: line {line} names {file!r}, which resolves outside the manifest's folder {base} "
                             '(pass --allow-outside to allow this)')
        paths.append(path)
        kept.append(label)
    listing = Listing(paths, kept, csv_path, raw, '' if split is None else f'-{_safe(split)}', owner)
    listing.class_names = class_names
    return listing


_NUMERIC = re.compile(r'^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$', re.I)


def _resolve_labels(listed, owner):
    """Argon's resolveLabels: integer labels, or class names over every row -> sorted -> 0, 1, ..."""
    values = [v for _, v, _, _ in listed]
    if not values:
        return [], None
    names = [v for v in values if not _NUMERIC.match(v)]
    if not names or _NUMERIC.match(values[0]):
        labels = []
        for file, v, line, _ in listed:
            label = _label(v)
            if label is None:
                raise ValueError(f"{owner}: line {line} ({file!r}) has label {v!r}; labels must be integers >= 0 (or every label a class name)")
            labels.append(label)
        return labels, None
    for file, v, line, _ in listed:
        if _NUMERIC.match(v):
            raise ValueError(f"{owner}: line {line} ({file!r}) has label {v!r} among class names; use names or integers, not both")
    classes = sorted(set(values), key=lambda n: n.encode('utf-16-be'))
    index = {n: i for i, n in enumerate(classes)}
    return [index[v] for v in values], classes


def _label(text):
    """An integer >= 0 as JavaScript's Number() reads it ('3', '3.0', '3e0'), else None."""
    if not _NUMERIC.match(text):
        return None
    v = float(text)
    return int(v) if v >= 0 and v.is_integer() else None


def _csv_rows(text):
    """(line number, fields) per record, like Argon's RFC 4180 reader."""
    reader = csv.reader(io.StringIO(text, newline=''))
    for fields in reader:
        yield reader.line_num, fields


def list_folder(root):
    """root/<class>/*.jpg|png as Argon's ImageFolder lists it (names sorted by UTF-16 code units)."""
    utf16 = lambda n: n.encode('utf-16-be')  # noqa: E731
    classes = sorted((e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith('.')), key=utf16)
    if not classes:
        raise ValueError(f'folder {root}: no class subfolders found')
    paths, labels, keys = [], [], []
    for label, name in enumerate(classes):
        files = sorted((e.name for e in os.scandir(os.path.join(root, name)) if not e.is_dir() and e.name.lower().endswith(IMAGE_EXT)), key=utf16)
        for f in files:
            paths.append(os.path.normpath(os.path.join(root, name, f)))
            labels.append(label)
            keys.append(f'{name}/{f}\t{label}')
    listing = Listing(paths, labels, os.path.join(root, '.folder'), '\n'.join(keys).encode(), '', f'folder {root}')
    listing.class_names = classes
    return listing


def list_images(data, split=None, allow_outside=False):
    if not os.path.isdir(data):
        return list_manifest(data, split, allow_outside)
    if split is not None:
        raise ValueError(f"folder {data}: a split ('{split}') needs a CSV manifest with a 'split' column")
    return list_folder(data)


def _round_half_up(x):
    """JavaScript's Math.round for float64 arrays (ties toward +infinity), exactly."""
    f = np.floor(x)
    return f + (x - f >= 0.5)


def _axis_taps(src, dst):
    scale = src / dst
    s = np.minimum(np.maximum((np.arange(dst, dtype=np.float64) + 0.5) * scale - 0.5, 0.0), float(src - 1))
    i0 = np.floor(s).astype(np.int64)
    return i0, np.minimum(i0 + 1, src - 1), s - i0


def resize_bilinear(img, height, width):
    """Argon's resizeBilinear (src/data/image-ops.ts) on an HWC uint8 array, bit for bit."""
    sh, sw = img.shape[:2]
    if (sh, sw) == (height, width):
        return img.copy()
    d = img.astype(np.float64)
    y0, y1, wy = _axis_taps(sh, height)
    x0, x1, wx = _axis_taps(sw, width)
    wx, wy = wx[None, :, None], wy[:, None, None]
    c00, c01 = d[y0][:, x0], d[y0][:, x1]
    c10, c11 = d[y1][:, x0], d[y1][:, x1]
    top = c00 + wx * (c01 - c00)
    bot = c10 + wx * (c11 - c10)
    return _round_half_up(top + wy * (bot - top)).astype(np.uint8)


def to_gray(rgb):
    """Argon's toGray: round(0.299 R + 0.587 G + 0.114 B), half up, in float64."""
    d = rgb.astype(np.float64)
    return _round_half_up(0.299 * d[..., 0] + 0.587 * d[..., 1] + 0.114 * d[..., 2]).astype(np.uint8)[..., None]


def to_model_input(rgb, shape):
    """An HWC RGB uint8 image -> [C, H, W] uint8 as Argon's toModelInput: grey first, then resize."""
    c, h, w = shape
    if c not in (1, 3):
        raise ValueError(f'image input must have 1 or 3 channels, got {c}')
    src = to_gray(rgb) if c == 1 else rgb
    return np.ascontiguousarray(resize_bilinear(src, h, w).transpose(2, 0, 1))


def decode_rgb(path):
    """A JPEG or PNG as HWC uint8 RGB with Pillow (alpha dropped, grey expanded, as Argon)."""
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert('RGB'))


class ArgonImages:
    """The images of a listing at input shape [C, H, W]: Argon's cache when one matches (exactly
    Argon's pixels), else Pillow decoding with Argon's resize. `pixels_from` says which."""

    def __init__(self, data, shape, split=None, limit=None, pixels='auto', allow_outside=False):
        if pixels not in ('auto', 'argon', 'pillow'):
            raise ValueError(f"pixels must be 'auto', 'argon' or 'pillow', got {pixels!r}")
        self.shape = tuple(shape)
        listing = list_images(data, split, allow_outside)
        if limit is not None:
            listing.paths, listing.labels = listing.paths[:limit], listing.labels[:limit]
        if not listing.paths:
            raise ValueError(f'{listing.owner}: the data set is empty (no images listed)')
        self.paths, self.class_names = listing.paths, listing.class_names
        self.labels = np.asarray(listing.labels, dtype=np.int64)
        self.pixels, why = (None, 'Pillow asked for') if pixels == 'pillow' else read_argon_cache(listing, self.shape, limit)
        if self.pixels is None and pixels == 'argon':
            raise ValueError(f"{listing.owner}: no usable Argon cache for input {'x'.join(map(str, shape))} ({why}); "
                             'let Argon load the data once (e.g. argon eval --model DIR --data ...) or use --pixels pillow')
        self.pixels_from = f"Argon's decode cache {why}" if self.pixels is not None else "Pillow decoding with Argon's resize"

    def __len__(self):
        return len(self.labels)

    def image(self, i):
        """Sample i as [C, H, W] uint8."""
        if self.pixels is not None:
            return np.asarray(self.pixels[i])
        try:
            return to_model_input(decode_rgb(self.paths[i]), self.shape)
        except Exception as e:  # noqa: BLE001 - the message names the file
            raise ValueError(f"cannot decode image '{self.paths[i]}': {e}") from e
