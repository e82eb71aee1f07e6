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
from pathlib import Path
from typing import Any

from ..weights import resolve_model
from ..weights.lora_gguf import convert_lora
from .engine import ChatModel, Completion, EngineRequestError, SamplingParams, check_adapter_name

DEFAULT_PARALLEL = 16  # sequences decoded together: the agent's SAG candidates or concurrent episodes
DEFAULT_CONTEXT = 8192  # tokens one sequence may use (prompt + completion)


class LlamaCppEngine(ChatModel):
    def __init__(
        self,
        server: Any,
        tokenizer: Any,
        model_id: str,
        aliases: tuple[str, ...],
        context_length: int,
        adapters: list[str],
    ) -> None:
        self.server = server
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.aliases = aliases
        self.adapters = adapters  # in the order llama.cpp numbers them (a request's "lora" ids)
        self.context_length = context_length
        # An end-of-turn token stays in a completion's tokens; a stop string's does not (_completion).
        self.special_ids = set(tokenizer.all_special_ids)
        self.device = "cpu"
        self.dtype = "gguf"

    @classmethod
    def load(
        cls,
        name: str,
        adapters: dict[str, str] | None = None,
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
        if not getattr(tokenizer, "chat_template", None):  # transformers reads none from a bare GGUF
            tokenizer.chat_template = _gguf_chat_template(gguf)
        # Every core: the engine is what a teacher run waits on (measured on 2 cores: decode 18.8 → 24.3
        # tokens/s for the 1.5B teacher, prefill 36 → 60 tokens/s, bench/README.md "Engines").
        threads = threads or os.cpu_count() or 1
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
        # Adapters load with the model, applied to no request until one names it (scale per request).
        # (The list must be assigned whole: appending to what the property returns changes a copy.)
        names: list[str] = []
        loras = []
        for adapter_name, path in (adapters or {}).items():
            check_adapter_name(adapter_name, path, resolved.id, names)
            names.append(adapter_name)
            loras.append(xllamacpp.CommonAdapterLoraInfo(str(adapter_gguf(Path(path), gguf)), 0.0))
        params.lora_adapters = loras
        params.lora_init_without_apply = True
        aliases = (name,) if name != resolved.id else ()
        return cls(xllamacpp.Server(params), tokenizer, resolved.id, aliases, context, names)

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
        if self.adapters:
            body["lora"] = [
                {"id": i, "scale": 1.0 if a == adapter else 0.0} for i, a in enumerate(self.adapters)
            ]
        result = self.server.handle_completions(body)
        if "error" in result:
            error = result["error"]
            raise EngineRequestError(
                int(error.get("code", 500)), str(error.get("message", "llama.cpp failed"))
            )
        choices = sorted(result["choices"], key=lambda c: c["index"])
        return [_completion(choice, params.stop, self.special_ids) for choice in choices]


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


def adapter_gguf(adapter_dir: Path, base_gguf: Path) -> Path:
    """The adapter as GGUF, converted once and kept beside it (again when the adapter changes)."""
    converted = adapter_dir / "adapter.gguf"
    source = adapter_dir / "adapter_model.safetensors"
    if not converted.is_file() or converted.stat().st_mtime < source.stat().st_mtime:
        convert_lora(adapter_dir, base_gguf, converted)
    return converted


def _gguf_chat_template(gguf_path: Path) -> str | None:
    from gguf import GGUFReader

    field = GGUFReader(gguf_path).fields.get("tokenizer.chat_template")
    return str(field.contents()) if field is not None else None
