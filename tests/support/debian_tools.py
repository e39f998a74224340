"""System tools some tests need from Debian's packages, installed by the test set-up when missing.

CI machines run as root and reach Debian's package index, so a missing tool is installed there with
``apt-get``; elsewhere (not root, no apt-get, no network) the caller skips with the reason this
returns, never silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess


def ensure_debian_tool(command: str, package: str) -> tuple[str | None, str]:
    """(path of ``command``, "") once it is on PATH, installing ``package`` when it is missing;
    (None, why not) when it cannot be had."""
    found = shutil.which(command)
    if found:
        return found, ""
    if shutil.which("apt-get") is None:
        return None, f"`{command}` is missing and there is no apt-get to install Debian's {package}"
    if os.geteuid() != 0:
        return None, f"`{command}` is missing and installing Debian's {package} needs root: apt-get install {package}"
    install = ["apt-get", "install", "-y", "--no-install-recommends", package]
    done = _run(install)
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        _run(["apt-get", "update"])
        done = _run(install)
    found = shutil.which(command)
    if found:
        return found, ""
    tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
    return None, f"`apt-get install {package}` failed (exit {done.returncode}: {tail[0]})"


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False)  # noqa: S603
