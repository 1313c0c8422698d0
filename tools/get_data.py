"""Get the full Fashion-MNIST for the chapters and tests that need it (`make data`).

Tries, in order, and stops at the first that works:

1. nothing to do: the loaders already find it (the Keras cache, or a folder of IDX
   files such as Debian's /usr/share/datasets/fashion-mnist);
2. Debian's ``dataset-fashion-mnist`` package, installed with apt-get (root only);
3. a download into the Keras cache (~/.keras/datasets/fashion-mnist), every file
   checked against its SHA-256 sum (needs the network).

Otherwise it says what it tried and what to do. It exits with status 0 in every case:
the data is optional (the chapters that need it are skipped, with the reason, when it
is missing), so this step never fails a build by itself. Usage:

    python tools/get_data.py            # say what was found or done
    python tools/get_data.py --quiet    # silent when the data is already there
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys

DEBIAN_PACKAGE = "dataset-fashion-mnist"
WHAT_TO_DO = (
    "To get it: run `make data` again as root on Debian or Ubuntu (`sudo make data`) or "
    "on a machine with internet access, or put the four IDX files in a folder and set "
    "AECOURSE_FASHION_MNIST_DIR to that folder."
)


@contextlib.contextmanager
def _offline(value: str):
    """Set AECOURSE_OFFLINE for the duration of the block (the loaders read it per call)."""
    previous = os.environ.get("AECOURSE_OFFLINE")
    os.environ["AECOURSE_OFFLINE"] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("AECOURSE_OFFLINE", None)
        else:
            os.environ["AECOURSE_OFFLINE"] = previous


def available():
    """Where the loaders find full Fashion-MNIST without downloading, or None."""
    from aecourse.data import DataSourceError, load_fashion_mnist

    with _offline("1"):
        try:
            return load_fashion_mnist(verbose=False).description
        except DataSourceError:
            return None


def install_debian_package(tried: list[str]) -> bool:
    """apt-get install the Debian package (as root); True if the command succeeded."""
    if shutil.which("apt-get") is None:
        tried.append("Debian's package: no apt-get on this machine")
        return False
    if getattr(os, "geteuid", lambda: -1)() != 0:
        tried.append(f"Debian's package: installing {DEBIAN_PACKAGE} needs root")
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", DEBIAN_PACKAGE]
    result = subprocess.run(install, env=env, capture_output=True, text=True)
    if result.returncode != 0:  # the package lists may be missing or stale
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True)
        result = subprocess.run(install, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()[-1]
        tried.append(f"Debian's package: `{' '.join(install)}` failed ({last})")
        return False
    return True


def download(tried: list[str]):
    """Download into the Keras cache (SHA-256-checked by the loader); its description or None."""
    from aecourse.data import DataSourceError, load_fashion_mnist

    with _offline("0"):
        try:
            return load_fashion_mnist(source="keras", verbose=False).description
        except DataSourceError as exc:
            tried.append(f"download: {exc}")
            return None


def get_data(quiet: bool = False) -> bool:
    """Make full Fashion-MNIST available if possible; True if it is available at the end."""
    found = available()
    if found:
        if not quiet:
            print(f"make data: nothing to do. {found}")
        return True
    tried = ["the Keras cache and the IDX folders the loaders look in: not there"]
    if install_debian_package(tried):
        found = available()
        if found:
            print(f"make data: installed Debian's {DEBIAN_PACKAGE}. {found}")
            return True
        tried.append(f"Debian's package: {DEBIAN_PACKAGE} is installed but the loaders do not find its "
                     f"files (restore them with `apt-get install --reinstall {DEBIAN_PACKAGE}`)")
    found = download(tried)
    if found:
        print(f"make data: downloaded and verified. {found}")
        return True
    print("make data: full Fashion-MNIST is not available on this machine; the chapters and "
          "tests that need it will be skipped "
          "(or fail, where AECOURSE_REQUIRE_DATA=1 asks for every chapter).")
    if not quiet:
        print("Tried:\n" + "\n".join(f"  - {line}" for line in tried))
    print(WHAT_TO_DO)
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print nothing when the data is already there")
    args = parser.parse_args(argv)
    try:
        get_data(quiet=args.quiet)
    except Exception as exc:  # noqa: BLE001 - the data is optional: report, never fail the build
        print(f"make data: could not check for Fashion-MNIST ({type(exc).__name__}: {exc}). {WHAT_TO_DO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
