"""Python BM25 baselines for bench/bm25_qps.ts, on exactly the same tokens.

Reads the file written by `npx tsx bench/bm25_qps.ts --export-tokens FILE` (our tokenizer's
output for the corpus and the queries, plus our top-k) and measures queries per second of
bm25s (sparse-matrix BM25, Lucene idf, same k1/b; numpy backend, and numba backend when numba
is installed) one query per call and batched, and of rank_bm25's BM25Okapi. Needs a throwaway
venv: `pip install bm25s rank_bm25 numba` (not project dependencies).
Usage: python bench/bm25_python_baseline.py FILE [--seconds 3]
"""

from __future__ import annotations

import json
import sys
import time

import bm25s
import numpy as np
from rank_bm25 import BM25Okapi


def per_second(fn, queries: list[list[str]], min_seconds: float) -> float:
    """Queries per CPU-second of this process, as bench/bm25_qps.ts measures ours."""
    for q in queries[:20]:
        fn(q)
    done, start = 0, time.process_time()
    while time.process_time() - start < min_seconds or done < 20:
        for _ in range(10):
            fn(queries[done % len(queries)])
            done += 1
    return done / (time.process_time() - start)


def batched_per_second(model, queries: list[list[str]], k: int) -> float:
    """All queries in one retrieve call (bm25s's best case), per CPU-second, best of 3."""
    best = 0.0
    for _ in range(3):
        start = time.process_time()
        model.retrieve(queries, k=k, show_progress=False, n_threads=1)
        best = max(best, len(queries) / (time.process_time() - start))
    return best


def has_numba() -> bool:
    try:
        import numba  # noqa: F401  (bm25s's fast backend, optional)
    except ImportError:
        return False
    return True


def main() -> None:
    path = sys.argv[1]
    min_seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 3.0
    with open(path) as f:
        data = json.load(f)
    docs, k = data["docs"], data["k"]
    # bm25s rejects a query with no known term; those return nothing in our index too.
    vocab = {t for d in docs for t in d}
    queries = [q for q in data["queries"] if any(t in vocab for t in q)]
    tops = [t for q, t in zip(data["queries"], data["top"], strict=True) if any(t2 in vocab for t2 in q)]

    qps: dict[str, float] = {}
    build_ms: dict[str, float] = {}
    same_top1 = ""
    for backend in ["numpy", "numba"] if has_numba() else ["numpy"]:
        start = time.process_time()
        model = bm25s.BM25(method="lucene", k1=data["k1"], b=data["b"], backend=backend)
        model.index(docs, show_progress=False)
        build_ms[f"bm25s_{backend}"] = round((time.process_time() - start) * 1000, 1)

        def one(q: list[str], model=model):
            return model.retrieve([q], k=k, show_progress=False, n_threads=1)

        qps[f"bm25s_{backend}_one_query_per_call"] = round(per_second(one, queries, min_seconds), 1)
        qps[f"bm25s_{backend}_batched"] = round(batched_per_second(model, queries, k), 1)
        ids, _ = model.retrieve(queries, k=k, show_progress=False, n_threads=1)
        same = sum(1 for row, ours in zip(ids.tolist(), tops, strict=True) if ours and row[0] == ours[0])
        same_top1 = f"{same}/{len(queries)}"

    okapi = BM25Okapi(docs, k1=data["k1"], b=data["b"])
    qps["rank_bm25_okapi"] = round(
        per_second(lambda q: np.argsort(-okapi.get_scores(q))[:k], queries, min_seconds), 1
    )

    print(
        json.dumps(
            {
                "queries": len(queries),
                "build_ms": build_ms,
                "qps": qps,
                "bm25s_same_top1_as_ours": same_top1,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
