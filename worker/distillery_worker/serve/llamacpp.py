"""The model behind the server on llama.cpp (xllamacpp: llama.cpp's own C++ server, in process).

llama.cpp does the batching (one slot per sequence in flight, continuous batching), the prompt
cache (a slot resumes from the longest prefix it or the host-memory cache holds) and the KV
cache. What stays ours is the contract: the prompt is rendered here with the model's Hugging
Face chat template and sent as token ids, so every engine sees the same tokens for the same
conversation (FTP's continued assistant message included), and the answer is shaped the way the
transformers engine shapes it.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from ..weights import ModelNotFound, resolve_model
from .engine import Completion, EngineRequestError, SamplingParams, UnknownModel, render_chat

DEFAULT_PARALLEL = 16  # sequences decoded together: the agent's SAG candidates or concurrent episodes
DEFAULT_CONTEXT = 8192  # tokens one sequence may use (prompt + completion)


class LlamaCppEngine:
    def __init__(
        self,
        server: Any,
        tokenizer: Any,
        model_id: str,
        aliases: tuple[str, ...],
        context_length: int,
    ) -> None:
        self.server = server
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.aliases = aliases
        self.adapters: list[str] = []
        self.context_length = context_length
        self.device = "cpu"
        self.dtype = "gguf"

    @classmethod
    def load(
        cls,
        name: str,
        threads: int | None = None,
        parallel: int = DEFAULT_PARALLEL,
        context: int = DEFAULT_CONTEXT,
    ) -> LlamaCppEngine:
        from transformers import AutoTokenizer

        # A compiled extension without type stubs: its classes are typed Any here.
        xllamacpp: Any = importlib.import_module("xllamacpp")

        resolved = resolve_model(name)
        gguf = resolved.gguf()
        if gguf is None:
            raise FileNotFoundError(
                f"model '{name}': no GGUF file to serve with llama.cpp in {resolved.path}"
            )
        kwargs: dict[str, Any] = {"gguf_file": resolved.gguf_file} if resolved.gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(resolved.path, **kwargs)
        threads = threads or max(1, (os.cpu_count() or 2) // 2)
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.n_parallel = parallel
        params.kv_unified = True  # one KV buffer: a long episode may use what short ones leave
        params.n_ctx = parallel * context
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.warmup = False
        params.verbosity = 1  # warnings and errors; llama.cpp's per-request timing lines would bury them
        params.endpoint_metrics = False
        aliases = (name,) if name != resolved.id else ()
        return cls(xllamacpp.Server(params), tokenizer, resolved.id, aliases, context)

    def model_names(self) -> list[str]:
        return [self.model_id]

    def adapter_for(self, requested: str) -> str | None:
        if requested in (self.model_id, *self.aliases):
            return None
        raise UnknownModel(f"The model `{requested}` does not exist; served: {', '.join(self.model_names())}")

    def render_prompt(
        self, messages: list[dict[str, str]], add_generation_prompt: bool, continue_final_message: bool
    ) -> list[int]:
        return render_chat(self.tokenizer, messages, add_generation_prompt, continue_final_message)

    def generate(
        self, prompt_ids: list[int], params: SamplingParams, adapter: str | None
    ) -> list[Completion]:
        """Blocks until the n samples are done; llama.cpp runs other requests' sequences meanwhile."""
        if params.min_tokens and not params.ignore_eos:
            raise EngineRequestError(400, "min_tokens: not supported by the llama.cpp engine")
        body: dict[str, Any] = {
            "prompt": prompt_ids,
            "n_cmpl": params.n,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            # OpenAI semantics: no top-k and no min-p cut unless asked (llama.cpp defaults to 40 / 0.05).
            "top_k": 0,
            "min_p": 0.0,
            "stop": list(params.stop),
            "logprobs": 1,  # the sampled tokens' ids and log-probabilities come with it
            "cache_prompt": True,
            "ignore_eos": params.ignore_eos,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        result = self.server.handle_completions(body)
        if "error" in result:
            error = result["error"]
            raise EngineRequestError(
                int(error.get("code", 500)), str(error.get("message", "llama.cpp failed"))
            )
        choices = sorted(result["choices"], key=lambda c: c["index"])
        special = set(self.tokenizer.all_special_ids)
        return [_completion(choice, params.stop, special) for choice in choices]


def _completion(choice: dict[str, Any], stops: tuple[str, ...], special_ids: set[int]) -> Completion:
    tokens = (choice.get("logprobs") or {}).get("content") or []
    token_ids = [int(t["id"]) for t in tokens]
    finish = "length" if choice.get("finish_reason") == "length" else "stop"
    # An end-of-turn token is kept in the tokens; a stop string's token is not, and llama.cpp
    # does not say which of several stop strings it met: name it only when there was one.
    ended_by_stop_string = finish == "stop" and not (token_ids and token_ids[-1] in special_ids)
    stop_reason = stops[0] if ended_by_stop_string and len(stops) == 1 else None
    return Completion(
        text=str(choice.get("text", "")),
        finish_reason=finish,
        stop_reason=stop_reason,
        token_ids=token_ids,
        token_logprobs=[float(t["logprob"]) for t in tokens],
    )


def has_gguf(name: str) -> bool:
    """Whether ``name`` resolves to a model llama.cpp can serve."""
    try:
        return resolve_model(name).gguf() is not None
    except ModelNotFound:
        return False
