"""The model-server contract over loopback HTTP: the embedded server as the workbench starts it
(``python -m distillery_worker.serve``: vLLM from its own venv) on a tiny random Llama built
offline, with a LoRA adapter. Skipped, saying why, where vLLM is not installed, except in CI. The
TypeScript client (`server/llm/`) speaks exactly this.

The models' text does not matter; the tests check the contract (n, stop, seed, temperature and
top_p, max_tokens, min_tokens, ignore_eos, continue_final_message, logprobs, scoring a given text,
usage, LoRA adapters by name, models, errors), which does not depend on the weights.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from serve_fixtures import start_server

USER = [{"role": "user", "content": "What is the capital of France?"}]


@dataclass
class Served:
    base_url: str
    model: str  # the base model's served name
    adapter: str  # a served LoRA adapter's name
    tokenizer: Any  # the model's Hugging Face tokenizer: the prompt the server renders

    def prompt_ids(self, messages: list[dict[str, str]], generation: bool = True) -> list[int]:
        text = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=generation, continue_final_message=not generation
        )
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])


@pytest.fixture(scope="module")
def served(tiny_dir: Path, adapter_dir: Path) -> Iterator[Served]:
    from transformers import AutoTokenizer

    flags = ["--adapter", f"sharp={adapter_dir}", "--dtype", "float32", "--eager"]
    process, ready = start_server(str(tiny_dir), *flags)
    try:
        assert ready["models"] == [tiny_dir.name, f"{tiny_dir.name}:sharp"]
        # What a run records with each trajectory: the engine and the dtype it was asked to serve in.
        assert (ready["engine"], ready["dtype"]) == ("vllm", "float32")
        base_url = ready["url"].removesuffix("/v1")
        yield Served(base_url, tiny_dir.name, "sharp", AutoTokenizer.from_pretrained(tiny_dir))
    finally:
        # SIGKILL: no handler of the launcher runs, yet its reaper must take vLLM's whole process
        # group down (its API server and the engine processes, which outlive it otherwise).
        groups = {pgrp for ppid, pgrp in processes().values() if ppid == process.pid}  # vLLM's, the reaper's
        process.kill()
        process.wait(timeout=30)
        deadline = time.monotonic() + 60
        while any(pgrp in groups for _, pgrp in processes().values()):
            assert time.monotonic() < deadline, "vLLM's processes outlived their SIGKILLed launcher"
            time.sleep(0.5)


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every live process (Linux /proc; zombies left out)."""
    found: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = (int(fields[1]), int(fields[2]))
    return found


def post(base_url: str, body: Any, raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base_url}/v1/chat/completions", data=data, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def chat(served: Served, model: str | None = None, **fields: Any) -> dict[str, Any]:
    status, body = post(served.base_url, {"model": model or served.model, "messages": USER, **fields})
    assert status == 200, body
    return body


def texts(body: dict[str, Any]) -> list[str]:
    return [c["message"]["content"] for c in body["choices"]]


def test_models_lists_the_base_model_and_its_adapters(served: Served) -> None:
    with urllib.request.urlopen(f"{served.base_url}/v1/models", timeout=10) as response:
        body = json.loads(response.read())
    names = {m["id"] for m in body["data"]}
    assert served.model in names
    assert names <= {
        served.model,
        *([served.adapter, f"{served.model}:{served.adapter}"] if served.adapter else []),
    }


def test_greedy_completion_has_usage_and_finish_reason(served: Served) -> None:
    body = chat(served, temperature=0, max_tokens=12)
    (choice,) = body["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["finish_reason"] in ("stop", "length")
    prompt_len = len(served.prompt_ids(USER))
    usage = body["usage"]
    assert usage["prompt_tokens"] == prompt_len
    assert 1 <= usage["completion_tokens"] <= 12
    assert usage["total_tokens"] == prompt_len + usage["completion_tokens"]


def test_n_choices_and_seed_determinism(served: Served) -> None:
    request = {"n": 4, "temperature": 1.0, "top_p": 0.9, "max_tokens": 16, "seed": 7}
    first, again = chat(served, **request), chat(served, **request)
    assert len(texts(first)) == 4 and [c["index"] for c in first["choices"]] == [0, 1, 2, 3]
    assert texts(first) == texts(again)
    assert len(set(texts(first))) > 1, "4 samples at temperature 1 should not all be equal"
    assert texts(chat(served, **{**request, "seed": 8})) != texts(first)


def test_a_tiny_top_p_keeps_only_the_most_likely_token(served: Served) -> None:
    (greedy,) = texts(chat(served, temperature=0, max_tokens=10))
    assert texts(chat(served, temperature=1.0, top_p=1e-6, max_tokens=10, seed=3, n=2)) == [greedy, greedy]


def test_stop_string_is_cut_and_not_returned(served: Served) -> None:
    (free,) = texts(chat(served, temperature=0, max_tokens=24, ignore_eos=True))
    assert len(free) > 8, free
    stop = free[4:7]
    for stops in ([stop], [stop, "never-appears"]):
        (choice,) = chat(served, temperature=0, max_tokens=24, ignore_eos=True, stop=stops)["choices"]
        assert choice["finish_reason"] == "stop"
        assert choice["message"]["content"] == free[: free.index(stop)]
        assert stop not in choice["message"]["content"]
        assert choice["stop_reason"] == stop  # which stop string ended it


def test_max_tokens_gives_finish_reason_length(served: Served) -> None:
    choice = chat(served, temperature=0, max_tokens=3, logprobs=True)["choices"][0]
    if choice["finish_reason"] == "length":
        assert len(choice["logprobs"]["content"]) == 3
    else:  # the model ended its turn early: still never more than asked
        assert len(choice["logprobs"]["content"]) <= 3


def test_ignore_eos_decodes_exactly_max_tokens(served: Served) -> None:
    body = chat(served, temperature=1.0, max_tokens=6, ignore_eos=True, n=3, seed=1)
    assert body["usage"]["completion_tokens"] == 18
    assert all(c["finish_reason"] == "length" for c in body["choices"])


def test_logprobs_are_per_token(served: Served) -> None:
    body = chat(served, temperature=0, max_tokens=6, logprobs=True)
    for choice in body["choices"]:
        tokens = choice["logprobs"]["content"]
        values = [t["logprob"] for t in tokens]
        assert len(values) == len(tokens) > 0 and all(v <= 0 for v in values)
    assert chat(served, max_tokens=2)["choices"][0]["logprobs"] is None
    # That greedy decoding picks each position's top token is checked through scoring, below.


def test_continue_final_message_returns_only_the_continuation(served: Served) -> None:
    prefix = "Thought: I will search"
    messages = [*USER, {"role": "assistant", "content": prefix}]
    body = {"model": served.model, "messages": messages, "temperature": 0, "max_tokens": 8}
    status, cont = post(
        served.base_url, {**body, "add_generation_prompt": False, "continue_final_message": True}
    )
    assert status == 200, cont
    prompt = served.prompt_ids(messages, generation=False)
    assert served.tokenizer.decode(prompt).endswith(prefix)
    assert cont["usage"]["prompt_tokens"] == len(prompt)
    # The reply is what the model writes after the prefix, not the prefix again: scoring the prefix
    # plus the reply finds the reply's tokens where greedy decoding put them, each the top choice.
    reply = cont["choices"][0]["message"]["content"]
    assert not reply.startswith(prefix)
    scored = score(served, [*USER, {"role": "assistant", "content": prefix + reply}], top=1)
    continuation = scored["prompt_logprobs"][len(prompt) :]
    assert continuation and all(
        entry[str(tid)]["rank"] == 1
        for tid, entry in zip(scored["prompt_token_ids"][len(prompt) :], continuation, strict=True)
    )


def score(served: Served, messages: list[dict[str, str]], top: int = 0) -> dict[str, Any]:
    """The scoring primitive: per-token logprobs of a given assistant text (vLLM's ``prompt_logprobs``
    on a chat request that continues the final message), which on-policy distillation needs."""
    request = {
        "model": served.model,
        "messages": messages,
        "add_generation_prompt": False,
        "continue_final_message": True,
        "max_tokens": 1,
        "prompt_logprobs": top,
        "return_token_ids": True,
        "temperature": 0,
    }
    status, body = post(served.base_url, request)
    assert status == 200, body
    return body


def test_scoring_gives_every_prompt_token_its_logprob_and_top_alternatives(served: Served) -> None:
    text = "Thought: compute it.\nCode:\n```py\nprint(6 * 7)\n```"
    messages = [*USER, {"role": "assistant", "content": text}]
    body = score(served, messages, top=2)
    ids = body["prompt_token_ids"]
    assert ids == served.prompt_ids(messages, generation=False)
    entries = body["prompt_logprobs"]
    assert len(entries) == len(ids) and entries[0] is None  # nothing predicts the first token
    for token_id, entry in zip(ids[1:], entries[1:], strict=True):
        own = entry[str(token_id)]
        assert own["logprob"] <= 0 and own["rank"] >= 1
        ranks = sorted(e["rank"] for e in entry.values())
        assert ranks[:2] == [1, 2]  # the top 2 alternatives come with the given token
    # The text the model did not write is scored as given: the assistant span is the prompt's end.
    span = len(served.prompt_ids([*USER, {"role": "assistant", "content": ""}], generation=False))
    assert served.tokenizer.decode(ids[span:]) == text


def test_scoring_agrees_with_the_logprobs_of_generation(served: Served) -> None:
    generated = chat(served, temperature=0, max_tokens=8, logprobs=True)["choices"][0]
    text = generated["message"]["content"]
    prompt = served.prompt_ids([*USER, {"role": "assistant", "content": ""}], generation=False)
    body = score(served, [*USER, {"role": "assistant", "content": text}])
    ids, entries = body["prompt_token_ids"][len(prompt) :], body["prompt_logprobs"][len(prompt) :]
    gen = generated["logprobs"]["content"][: len(ids)]
    assert len(ids) == len(gen) > 0
    for token_id, entry, token in zip(ids, entries, gen, strict=True):
        assert entry[str(token_id)]["logprob"] == pytest.approx(token["logprob"], abs=1e-3)


def test_an_adapter_is_served_by_name_and_changes_the_output(served: Served) -> None:
    greedy = {"temperature": 0, "max_tokens": 12, "ignore_eos": True}
    base = texts(chat(served, **greedy))
    for name in (served.adapter, f"{served.model}:{served.adapter}"):
        tuned = chat(served, name, **greedy)
        assert tuned["model"] == name
        assert texts(tuned) != base, f"{name} answered like the base model"
    assert texts(chat(served, **greedy)) == base, "the base model is unchanged after an adapter ran"
    status, body = post(served.base_url, {"model": f"{served.model}:missing", "messages": USER})
    assert status == 404 and "missing" in body["error"]["message"]


BAD_REQUESTS = [
    ({"n": 0}, "n"),
    ({"temperature": -1}, "temperature"),
    ({"top_p": 0}, "top_p"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"messages": []}, "message"),
    ({"continue_final_message": True}, None),
    ({"max_tokens": 100000}, "max_tokens"),
    ({"n": 2, "temperature": 0}, "n"),  # greedy samples would all be one (runs refuse SAG at temperature 0)
]


@pytest.mark.parametrize(("fields", "param"), BAD_REQUESTS)
def test_bad_requests_get_openai_style_400(served: Served, fields: dict[str, Any], param: str | None) -> None:
    status, body = post(served.base_url, {"model": served.model, "messages": USER, **fields})
    assert status == 400, body
    error = body["error"]
    assert error["message"] and error["type"]
    if param is not None:  # the field is named, in `param` or in the message
        assert error.get("param") == param or param in error["message"], error


def test_unknown_model_is_an_error_not_a_fallback(served: Served) -> None:
    status, body = post(served.base_url, {"model": "gpt-4", "messages": USER})
    assert status == 404
    assert "gpt-4" in body["error"]["message"]


def test_malformed_json_is_400(served: Served) -> None:
    status, body = post(served.base_url, None, raw=b"{not json")
    assert status == 400
    assert body["error"]["message"]


def test_min_tokens_holds_off_eos_and_stops_or_is_refused(served: Served) -> None:
    request = {"model": served.model, "messages": USER, "temperature": 1.0, "max_tokens": 6, "min_tokens": 6}
    status, body = post(served.base_url, {**request, "n": 3, "seed": 1, "stop": ["a", "e"]})
    assert status == 200, body
    assert body["usage"]["completion_tokens"] == 18
    assert all(c["finish_reason"] == "length" for c in body["choices"])
