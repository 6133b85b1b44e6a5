#!/usr/bin/env python3
"""Reproducible .tar.gz and .zip archives of one staged directory.

Same tree in, same bytes out, whoever runs it and whenever: entries sorted by
name, every mtime the given epoch (SOURCE_DATE_EPOCH), owner root:root with no
names, modes normalised (0755 for directories and anything executable, 0644
for the rest), symlinks kept as links in the tarball, gzip with no name and no
timestamp. Usage: archive.py tar|zip DIR OUT EPOCH (DIR's last component is
the archive's one top-level directory).
"""
import gzip
import io
import os
import stat
import sys
import tarfile
import time
import zipfile


def entries(top):
    """Every path under top (top included), relative to its parent, sorted."""
    base = os.path.dirname(os.path.abspath(top))
    found = []
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            found.append(os.path.relpath(os.path.join(root, name), base))
    found.append(os.path.relpath(os.path.abspath(top), base))
    return base, sorted(found)


def mode_of(st):
    if stat.S_ISDIR(st.st_mode) or st.st_mode & 0o111:
        return 0o755
    return 0o644


def make_tar(top, out, epoch):
    base, names = entries(top)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in names:
            path = os.path.join(base, name)
            info = tar.gettarinfo(path, arcname=name)
            info.mtime = epoch
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if info.issym():
                info.mode = 0o777
                tar.addfile(info)
            elif info.isdir():
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = mode_of(os.lstat(path))
                with open(path, "rb") as f:
                    tar.addfile(info, f)
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(raw.getvalue())


def make_zip(top, out, epoch):
    base, names = entries(top)
    # Zip stores local time in 2-second steps from 1980; UTC keeps it fixed.
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in names:
            path = os.path.join(base, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                sys.exit(f"archive.py: {path} is a symlink; Windows archives hold real copies")
            arc = name.replace(os.sep, "/") + ("/" if stat.S_ISDIR(st.st_mode) else "")
            info = zipfile.ZipInfo(arc, date_time=stamp)
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = ((stat.S_IFDIR if arc.endswith("/") else stat.S_IFREG) | mode_of(st)) << 16
            if arc.endswith("/"):
                info.external_attr |= 0x10  # MS-DOS directory bit
                z.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read(), compresslevel=9)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("tar", "zip"):
        sys.exit("usage: archive.py tar|zip DIR OUT EPOCH")
    kind, top, out, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    (make_tar if kind == "tar" else make_zip)(top, out, epoch)


if __name__ == "__main__":
    main()
