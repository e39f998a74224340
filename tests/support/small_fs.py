"""A small real file system for storage-fault tests: an ext4 image on a loop device.

``small_fs(root, size_mb)`` makes it (as root, with mount and loop devices: CI runs as root),
mounted with ``errors=remount-ro``, and returns a ``SmallFs`` that can fill itself up
(``fill_leaving``), give the space back (``free``), turn read-only in the middle of a write the way
the kernel does after an I/O error (``turn_read_only``: ext4's ``trigger_fs_error``), and be
repaired (``repair``: unmount, e2fsck, mount again). None when the machine cannot mount one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False)  # noqa: S603


@dataclass
class SmallFs:
    image: Path
    mount: Path

    @property
    def filler(self) -> Path:
        return self.mount / "filler"

    def free_bytes(self) -> int:
        stat = os.statvfs(self.mount)
        return stat.f_bavail * stat.f_frsize

    def fill_leaving(self, free_bytes: int) -> None:
        with self.filler.open("ab") as handle:
            handle.write(b"\0" * max(self.free_bytes() - free_bytes, 0))
            handle.flush()
            os.fsync(handle.fileno())

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)
        os.sync()

    def _device(self) -> str:
        source = _run("findmnt", "-n", "-o", "SOURCE", str(self.mount)).stdout.strip()
        return Path(source).name  # loopN

    def turn_read_only(self) -> None:
        """What ext4 does after an I/O error with errors=remount-ro: every later write fails
        with EROFS, files already open for writing included."""
        Path(f"/sys/fs/ext4/{self._device()}/trigger_fs_error").write_text("storage fault test\n")

    def repair(self) -> None:
        assert _run("umount", str(self.mount)).returncode == 0
        fsck = _run("e2fsck", "-f", "-y", str(self.image))
        assert fsck.returncode in (0, 1), fsck.stdout + fsck.stderr  # 1: errors corrected
        assert _run("mount", "-o", "loop,errors=remount-ro", str(self.image), str(self.mount)).returncode == 0

    def unmount(self) -> None:
        _run("umount", str(self.mount))


def small_fs(root: Path, size_mb: int) -> SmallFs | None:
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("mkfs.ext4", "mount", "e2fsck", "findmnt")):
        return None
    image, mount = root / "fs.img", root / "mnt"
    mount.mkdir(parents=True)
    with image.open("wb") as handle:
        handle.truncate(size_mb * 1024 * 1024)
    if _run("mkfs.ext4", "-q", "-F", str(image)).returncode != 0:
        return None
    if _run("mount", "-o", "loop,errors=remount-ro", str(image), str(mount)).returncode != 0:
        return None
    return SmallFs(image, mount)
