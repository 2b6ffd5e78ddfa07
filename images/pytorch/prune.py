"""Shrinks the PyTorch root; runs inside it (chroot) with its own python3 and ldd.

Debian's libtorch links against OpenCV, FFmpeg, GDAL and Qt, and those pull in LLVM, Mesa drivers,
codecs and their data: hundreds of megabytes that a CPU training job never loads. This deletes every
shared library that came with a package beyond the base image and that no remaining program or
Python extension links to (by the loader's own account: ldd), the data those packages put in
/usr/share, libtorch's test binaries and the test suites of Python packages.

A library that is only ever dlopen()ed (a Mesa driver, a Qt plugin) is not linked to by anything,
so it goes too; scripts/images.sh runs a smoke test afterwards that imports torch, numpy and onnx,
trains, exports ONNX and starts a gloo process group, so a library that was needed fails the build.

Usage: python3 prune.py BASE_PACKAGES_FILE  (one package name a line: what aitip/base:1 holds)
"""

import os
import re
import shutil
import subprocess
import sys

LIBRARY_DIRS = ('/lib/', '/usr/lib/')
SHARED_LIBRARY = re.compile(r'\.so(\.[0-9.]+)?$')
# Data in /usr/share that Python itself may read at run time.
KEEP_SHARE = {'python3', 'zoneinfo', 'ca-certificates', 'common-licenses'}


def python_dirs():
    """Where Python modules live: /usr/lib/python3 (Debian's packages) and /usr/lib/python3.N."""
    return [f'/usr/lib/{name}' for name in sorted(os.listdir('/usr/lib')) if name.startswith('python3')]


def package_files(base_packages):
    """Files owned by packages that are not in the base image, from dpkg's file lists."""
    owned = set()
    info = '/var/lib/dpkg/info'
    for name in os.listdir(info):
        if not name.endswith('.list'):
            continue
        package = name[: -len('.list')].split(':')[0]
        if package in base_packages:
            continue
        with open(os.path.join(info, name), encoding='utf-8') as listing:
            owned.update(line.rstrip('\n') for line in listing)
    return owned


def is_elf(path):
    try:
        with open(path, 'rb') as file:
            return file.read(4) == b'\x7fELF'
    except OSError:
        return False


def elf_files():
    for directory, subdirs, files in os.walk('/'):
        if directory in ('/proc', '/sys', '/dev'):
            subdirs[:] = []
            continue
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path) and os.path.isfile(path) and is_elf(path):
                yield path


def linked_libraries(programs):
    """Real paths of every library the loader maps for any of the programs (transitively)."""
    needed = set()
    programs = sorted(programs)
    for start in range(0, len(programs), 200):
        result = subprocess.run(
            ['/usr/bin/ldd', *programs[start : start + 200]], capture_output=True, text=True, check=False
        )
        for line in result.stdout.splitlines():
            match = re.search(r'(?:=>\s*)?(/\S+)\s+\(0x', line)
            if match:
                needed.add(os.path.realpath(match.group(1)))
    return needed


def root_size():
    """Bytes the root's files take (hard links counted once)."""
    seen = set()
    total = 0
    for directory, subdirs, files in os.walk('/'):
        if directory in ('/proc', '/sys', '/dev'):
            subdirs[:] = []
            continue
        for name in files:
            status = os.lstat(os.path.join(directory, name))
            if status.st_ino not in seen:
                seen.add(status.st_ino)
                total += status.st_blocks * 512
    return total


def remove_unused_files(extra):
    """libtorch's test binaries, Python packages' test suites, and /usr/share data of extra packages."""
    shutil.rmtree('/usr/lib/libtorch-test', ignore_errors=True)
    for directory, subdirs, _ in os.walk('/usr/lib/python3/dist-packages'):
        for name in [d for d in subdirs if d == 'tests']:
            shutil.rmtree(os.path.join(directory, name))
            subdirs.remove(name)
    for name in os.listdir('/usr/share'):
        path = f'/usr/share/{name}'
        if name in KEEP_SHARE or path not in extra or os.path.islink(path) or not os.path.isdir(path):
            continue
        # A file no package lists was made by a maintainer script of something that may need it.
        if all(os.path.join(d, f) in extra for d, _, files in os.walk(path) for f in files):
            shutil.rmtree(path)


def prune_libraries(extra):
    """Deletes extra packages' shared libraries that nothing links to; returns (removed, candidates)."""
    python = tuple(f'{site}/' for site in python_dirs())
    candidates = set()
    programs = set()
    for path in elf_files():
        if (
            path in extra
            and path.startswith(LIBRARY_DIRS)
            and not path.startswith(python)
            and SHARED_LIBRARY.search(path)
        ):
            candidates.add(path)
        else:
            programs.add(path)
    # Python code dlopen()s some libraries through a symlink in its package (torch/lib/*.so -> the
    # real file in /usr/lib), so such a library counts as a program itself.
    for site in python_dirs():
        for directory, _, files in os.walk(site):
            for name in files:
                target = os.path.realpath(os.path.join(directory, name))
                if target in candidates:
                    candidates.discard(target)
                    programs.add(target)
    needed = linked_libraries(programs)
    removed = [path for path in candidates if os.path.realpath(path) not in needed]
    for path in removed:
        os.remove(path)
    for directory, _, files in os.walk('/usr/lib'):
        for name in files:
            path = os.path.join(directory, name)
            if os.path.islink(path) and path in extra and not os.path.exists(path):
                os.remove(path)
    return len(removed), len(candidates)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: prune.py BASE_PACKAGES_FILE (the package names aitip/base:1 holds)')
    with open(sys.argv[1], encoding='utf-8') as listing:
        base_packages = {line.strip() for line in listing if line.strip()}
    if 'libc6' not in base_packages:
        sys.exit(f'{sys.argv[1]} does not list libc6; pass the package list of the base image')
    extra = package_files(base_packages)
    size_before = root_size()
    remove_unused_files(extra)
    removed, candidates = prune_libraries(extra)
    size_after = root_size()
    print(
        f'pruned {removed} of {candidates} shared libraries nothing links to; '
        f'root {size_before / 2**20:.0f} MiB -> {size_after / 2**20:.0f} MiB'
    )


if __name__ == '__main__':
    main()
