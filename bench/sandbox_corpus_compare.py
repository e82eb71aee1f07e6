"""The sandbox abuse corpus against two versions of the sandbox, as root and as uid 65534.

    .venv/bin/python bench/sandbox_corpus_compare.py [BEFORE_REV] > table.md

Runs this checkout's corpus (worker/tests/test_sandbox_abuse.py, each case judged by its effect
on the host) against the sandbox package at BEFORE_REV (default: the commit before fail-closed
isolation, 3ed15ab) and the working tree. For the measurement only, the corpus's first check —
"every isolation layer is on" — is dropped from the copy, so a case reports whether its attack
actually worked rather than that a layer was missing. Needs root (setpriv for the second user),
and a system Python of the venv's version for that user (the shared venv is under /root).
Prints a markdown table: one row per case, pass = contained.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOBODY = "65534"
PACKAGES = [
    "pytest",
    "_pytest",
    "pluggy",
    "iniconfig",
    "packaging",
    "pygments",
    "py.py",
    "numpy",
    "numpy.libs",
]
LAYERS_CHECK = "        assert ep.layers and all(ep.layers.values()), ep.layers\n"


def unprivileged_python(work: Path) -> Path:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    venv = work / "venv"
    subprocess.run(
        [f"/usr/bin/python{version}", "-m", "venv", "--without-pip", str(venv)],
        check=True,
    )
    site = Path(subprocess.check_output([venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())  # fmt: skip
    shared = Path(sysconfig.get_paths()["purelib"])
    for name in PACKAGES:
        src = shared / name
        if src.is_dir():
            shutil.copytree(src, site / name, symlinks=True)
        elif src.exists():
            shutil.copy2(src, site / name)
    return venv / "bin/python"


def variant(work: Path, name: str, rev: str | None) -> Path:
    """worker/ with the sandbox package at `rev` (None: working tree) and this checkout's corpus."""
    dest = work / name / "worker"
    (dest / "tests").mkdir(parents=True)
    if rev is None:
        shutil.copytree(ROOT / "worker/distillery_worker", dest / "distillery_worker")
    else:
        archive = subprocess.run(
            ["git", "archive", rev, "worker/distillery_worker"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            ["tar", "-x", "-C", str(work / name), "--strip-components=0"],
            input=archive,
            check=True,
        )
    for test in ("sandbox_fixtures.py", "test_sandbox_abuse.py"):
        text = (ROOT / "worker/tests" / test).read_text()
        (dest / "tests" / test).write_text(text.replace(LAYERS_CHECK, ""))
    return dest


def outcomes(
    python: Path, worker: Path, user: str | None, out: Path
) -> dict[str, bool]:
    """One pytest process per case: a case that kills the harness (as nobody without a PID
    namespace, "kill every pid" kills pytest itself) then counts as escaped, not as the end."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(worker), "HOME": str(out)}
    prefix = (
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
        if user
        else []
    )
    base = [*prefix, str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    listing = subprocess.run(
        [*base, "--collect-only", "tests/test_sandbox_abuse.py"],
        cwd=worker,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    ids = [line for line in listing.splitlines() if "::test_abuse[" in line]
    results = {}
    for i, node in enumerate(ids):
        junit = out / f"{i}.xml"
        try:
            subprocess.run(
                [*base, f"--junitxml={junit}", node],
                cwd=worker,
                env=env,
                capture_output=True,
                timeout=120,
                check=False,
            )
            cases = list(ET.parse(junit).getroot().iter("testcase"))
            ok = bool(cases) and not any(
                c.tag in ("failure", "error") for case in cases for c in case
            )
        except (subprocess.TimeoutExpired, ET.ParseError, FileNotFoundError):
            ok = False
        results[node.split("[", 1)[1].rstrip("]")] = ok
        if user:
            kill_leftovers(int(user), str(out.parent))
    return results


def kill_leftovers(uid: int, marker: str) -> None:
    """Without a PID namespace an escaped case (fork bomb, daemon) outlives its pytest and would
    exhaust the user's process quota for the cases after it: stop and kill exactly those
    processes — this user's, running a Python from this measurement's temp dir — by pid."""
    for _ in range(50):
        pids = []
        for name in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.stat(f"/proc/{name}").st_uid != uid:
                    continue
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    cmdline = f.read()
                if (
                    marker.encode() not in cmdline
                    and b"distillery_worker.sandbox" not in cmdline
                ):
                    continue
            except OSError:
                continue
            pids.append(int(name))
        if not pids:
            return
        for sig in (
            signal.SIGSTOP,
            signal.SIGKILL,
        ):  # stopped first: a fork bomb cannot refill
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
        time.sleep(0.1)


def main() -> None:
    before_rev = sys.argv[1] if len(sys.argv) > 1 else "3ed15ab"
    work = Path(tempfile.mkdtemp(prefix="distillery-corpus-"))
    try:
        os.chmod(work, 0o755)
        nobody_python = unprivileged_python(work)
        trees = {
            "before": variant(work, "before", before_rev),
            "after": variant(work, "after", None),
        }
        subprocess.run(["chmod", "-R", "a+rX", str(work)], check=True)
        columns: dict[str, dict[str, bool]] = {}
        for label, tree in trees.items():
            for who, python, user in (
                ("root", Path(sys.executable), None),
                ("nobody", nobody_python, NOBODY),
            ):
                out = work / f"{label}-{who}"
                out.mkdir()
                os.chmod(out, 0o777)
                columns[f"{who} {label}"] = outcomes(python, tree, user, out)
                print(
                    f"{who} {label}: {sum(columns[f'{who} {label}'].values())} contained",
                    file=sys.stderr,
                )
        order = ["root before", "root after", "nobody before", "nobody after"]
        cases = list(columns["root after"])
        print("| case | " + " | ".join(order) + " |")
        print("|---|" + "---|" * len(order))
        for case in cases:
            cells = [
                "contained" if columns[c].get(case) else "**ESCAPED/FAILED**"
                for c in order
            ]
            print(f"| {case} | " + " | ".join(cells) + " |")
        totals = [f"{sum(columns[c].values())}/{len(columns[c])}" for c in order]
        print("| **contained** | " + " | ".join(totals) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
