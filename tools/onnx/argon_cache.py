"""Argon's decoded-image cache (src/data/image-cache.ts, image-cache-store.ts, cache-dir.ts) read from
Python, so that train_ddp.py feeds PyTorch exactly the pixels Argon decoded.

Argon writes one file per data set, input shape and variant to
<cache dir>/images/<sha256(listing path)[:16]>-<listing name>-CxHxW[-split][-nLIMIT].bin, where the cache
dir is $ARGON_CACHE_DIR, else $XDG_CACHE_HOME/argon or ~/.cache/argon (macOS ~/Library/Caches/argon,
Windows %LOCALAPPDATA%\\argon\\Cache). Its header holds a key, a SHA-256 of the listing and of every
image's path, label, size and modification time, and a SHA-256 of the rest of the file; a file whose
key or checksum does not match is not used, as Argon would not use it.
"""
import hashlib
import json
import os
import sys

import numpy as np

CACHE_MAGIC = b'ARGNIMG2'
CACHE_HEADER = 96


def _sha256_hex(*parts):
    """Argon's sha256Hex: each part followed by one zero byte."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b'\0')
    return h.hexdigest()


def argon_cache_dir():
    """Argon's userCacheDir (src/data/cache-dir.ts) for this platform and environment."""
    env, home = os.environ, os.path.expanduser('~')
    if env.get('ARGON_CACHE_DIR'):
        return os.path.abspath(env['ARGON_CACHE_DIR'])
    if sys.platform == 'win32':
        return os.path.join(env.get('LOCALAPPDATA') or os.path.join(home, 'AppData', 'Local'), 'argon', 'Cache')
    if sys.platform == 'darwin':
        return os.path.join(home, 'Library', 'Caches', 'argon')
    xdg = env.get('XDG_CACHE_HOME', '')
    return os.path.join(xdg, 'argon') if xdg.startswith('/') else os.path.join(home, '.cache', 'argon')


def _js_number(v):
    """A float as JavaScript's String(v) writes it in the range file times and sizes use."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _image_stamps(paths, labels):
    """Argon's imageStamps: path, label, size and mtime (ms) of every image, one line each."""
    lines = []
    for path, label in zip(paths, labels):
        try:
            st = os.stat(path)
        except OSError:
            lines.append(f'{path}\t{label}\tmissing')
            continue
        sec, nsec = divmod(st.st_mtime_ns, 10 ** 9)
        lines.append(f'{path}\t{label}\t{st.st_size}\t{_js_number(float(sec) * 1000 + float(nsec) / 1e6)}')
    return '\n'.join(lines)


def argon_cache_path(listing, shape, limit=None):
    """Where Argon keeps the cache of this listing at input shape [C, H, W], and its key."""
    shape_text = 'x'.join(map(str, shape))
    variant = listing.variant + ('' if limit is None else f'-n{limit}')
    absolute = os.path.abspath(listing.location)
    name = f'{_sha256_hex(absolute)[:16]}-{os.path.basename(absolute)}-{shape_text}{variant}.bin'
    key = _sha256_hex(f'argon image cache v2 {shape_text} {variant}', listing.key, _image_stamps(listing.paths, listing.labels))
    return os.path.join(argon_cache_dir(), 'images', name), key


def read_argon_cache(listing, shape, limit=None):
    """(pixels [count, C, H, W] uint8 memory-mapped, path) from Argon's cache, or (None, why not)."""
    path, key = argon_cache_path(listing, shape, limit)
    try:
        with open(path, 'rb') as f:
            head = f.read(CACHE_HEADER)
            if len(head) < CACHE_HEADER or head[:8] != CACHE_MAGIC:
                return None, f'{path} is not an Argon image cache of this version'
            version, c, h, w, count, skipped_len = np.frombuffer(head[8:32], '<u4').tolist()
            if version != 2 or [c, h, w] != list(shape):
                return None, f'{path} was made for another version or shape'
            if head[32:64].hex() != key:
                return None, f'{path} is for another state of the data set (listing, image sizes or times)'
            # The size is known from the header: a truncated file is refused before it is hashed.
            at = CACHE_HEADER + 4 * count + skipped_len
            if os.fstat(f.fileno()).st_size != at + count * c * h * w:
                return None, f'{path} is truncated'
            content = hashlib.sha256()
            for block in iter(lambda: f.read(1 << 22), b''):
                content.update(block)
            if content.hexdigest() != head[64:96].hex():
                return None, f'{path} fails its checksum'
            f.seek(CACHE_HEADER)
            labels = np.frombuffer(f.read(4 * count), '<i4')
            skipped = json.loads(f.read(skipped_len).decode())
    except FileNotFoundError:
        return None, f'no cache at {path}'
    if skipped:
        raise ValueError(f"{listing.owner}: Argon's cache {path} records {len(skipped)} unreadable image(s), e.g. {skipped[0]!r}; "
                         'remove them from the listing')
    if labels.tolist() != list(listing.labels):
        return None, f'{path} holds other labels than the listing'
    return np.memmap(path, np.uint8, 'r', offset=at, shape=(count, c, h, w)), path
