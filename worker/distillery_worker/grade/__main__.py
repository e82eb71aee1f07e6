"""Long-lived grader: JSON lines in, JSON lines out, in order, one reply per request.

Request:  {"id": any, "prediction": str, "gold": str, "timeout_s"?: float}
          {"id": any, "op": "ping"}
Reply:    {"id", "correct", "method", "prediction", "gold", "timed_out", "error"}
          {"id", "ok": true} for ping; {"id", "error"} for a request it cannot read.
Only JSON crosses the pipe; logs go to stderr. EOF on stdin ends the process.
"""

from __future__ import annotations

import json
import sys
from typing import IO

from .equivalence import DEFAULT_TIMEOUT_S, grade_answer


def handle(line: str) -> dict[str, object]:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as err:
        return {"id": None, "error": f"bad JSON: {err.msg}"}
    if not isinstance(request, dict):
        return {"id": None, "error": "a request must be a JSON object"}
    request_id = request.get("id")
    if request.get("op") == "ping":
        return {"id": request_id, "ok": True}
    if "prediction" not in request or "gold" not in request:
        return {"id": request_id, "error": "a request needs 'prediction' and 'gold'"}
    timeout_s = request.get("timeout_s", DEFAULT_TIMEOUT_S)
    if not isinstance(timeout_s, int | float) or timeout_s <= 0:
        return {"id": request_id, "error": "'timeout_s' must be a positive number"}
    grade = grade_answer(request["prediction"], request["gold"], float(timeout_s))
    return {"id": request_id, **grade.to_json()}


def serve(stdin: IO[str], stdout: IO[str]) -> None:
    grade_answer("x+1", "1+x")  # warm up: the first LaTeX parse loads the grammar
    for line in stdin:
        if line.strip():
            stdout.write(json.dumps(handle(line)) + "\n")
            stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
