"""Install the freshly built ssert wheel into the running virtualenv, only if it changed.

maturin stamps zip entries with the build time, so two builds of the same code differ as files.
The wheel's RECORD (a sha256 of every file inside) identifies the content; it is compared with
the one recorded at the last install, and pip runs only when they differ.

Usage: python install_wheel.py WHEEL_DIR
"""

import hashlib
import pathlib
import subprocess
import sys
import sysconfig
import zipfile


def content_digest(wheel: pathlib.Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        record = next(name for name in archive.namelist() if name.endswith(".dist-info/RECORD"))
        lines = archive.read(record).decode("utf-8").splitlines()
    # The SBOM maturin adds carries a fresh serial number on every build: not content.
    kept = sorted(line for line in lines if "/sboms/" not in line)
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def main() -> int:
    wheels = sorted(pathlib.Path(sys.argv[1]).glob("ssert-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        print(f"install_wheel: no ssert wheel in {sys.argv[1]}", file=sys.stderr)
        return 1
    wheel = wheels[-1]
    digest = content_digest(wheel)
    stamp = pathlib.Path(sysconfig.get_paths()["purelib"]) / "ssert-wheel.sha256"
    if stamp.exists() and stamp.read_text().strip() == digest:
        print(f"install_wheel: {wheel.name} already installed")
        return 0
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--force-reinstall",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    stamp.write_text(digest + "\n")
    print(f"install_wheel: installed {wheel.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
