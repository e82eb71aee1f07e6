"""The teacher's side of a round: the log-probability it gives each token the student wrote, asked
of a running model server through the contract's scoring primitive (worker/tests/test_serve.py):
a completions request whose prompt is the episode's token ids, with ``prompt_logprobs``. Token
ids, not text, so the teacher scores exactly the tokens the student is trained on; that is why the
two must share a tokenizer (``same_tokenizer``). Standard library only."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from ..train.data import DataError

TIMEOUT_S = 600  # one episode's prefill on a busy 2-core machine; the job's own timeout is the real bound


class TeacherError(DataError):
    """The teacher server refused or answered outside the contract: the round stops (exit 2)."""


@dataclass(frozen=True)
class TokenScore:
    logprob: float  # the teacher's log-probability of the student's token
    top_id: int  # the teacher's own first choice at that position
    top_logprob: float


def score_tokens(base_url: str, model: str, ids: list[int], positions: list[int]) -> list[TokenScore]:
    """The teacher's scores of ``ids[p]`` for each ``p`` in ``positions`` (each > 0: nothing predicts
    the first token), given everything before it. ``base_url`` may end in ``/v1`` or not."""
    base = base_url.rstrip("/").removesuffix("/v1")
    body = _post(
        f"{base}/v1/completions",
        {"model": model, "prompt": ids, "max_tokens": 1, "temperature": 0, "prompt_logprobs": 1},
    )
    try:
        entries = body["choices"][0]["prompt_logprobs"]
    except (KeyError, IndexError, TypeError):
        raise TeacherError("the teacher server's reply has no prompt_logprobs (is it vLLM?)") from None
    if not isinstance(entries, list) or len(entries) != len(ids):
        raise TeacherError(f"the teacher scored {len(entries or [])} prompt tokens of {len(ids)}")
    return [_token_score(entries[p], ids[p], p) for p in positions]


def _token_score(entry: Any, token: int, position: int) -> TokenScore:
    if not isinstance(entry, dict) or str(token) not in entry:
        raise TeacherError(f"the teacher gave no logprob for token {token} at position {position}")
    top_key, top = min(entry.items(), key=lambda item: item[1].get("rank", 1 << 30))
    return TokenScore(float(entry[str(token)]["logprob"]), int(top_key), float(top["logprob"]))


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    key = os.environ.get("DISTILLERY_TEACHER_API_KEY")  # from the workbench's environment, never a flag
    if key:
        headers["authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")[:300]
        raise TeacherError(f"the teacher server answered {err.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as err:
        raise TeacherError(f"the teacher server at {url} did not answer: {err}") from None


def same_tokenizer(student: Any, teacher: Any) -> bool:
    """Whether two Hugging Face tokenizers give every token id the same meaning: the same vocabulary,
    added tokens included. (The conversation is rendered with the student's chat template.)"""
    return student.get_vocab() == teacher.get_vocab()


def describe_tokenizer(name: str, tokenizer: Any) -> str:
    return f"{name} ({type(tokenizer).__name__}, {len(tokenizer.get_vocab()):,} tokens)"
