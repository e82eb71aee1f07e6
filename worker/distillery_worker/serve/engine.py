"""The model behind the server: a base causal LM plus named LoRA adapters. Requests decode in one
shared batch (batcher.py): the n samples of a request share a single prefill, and concurrent
requests share each forward pass and reuse each other's prompt prefixes."""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch

from ..weights import resolve_model
from .batcher import Batcher, Request
from .grouped_attention import use_grouped_attention
from .sampling import StopMatcher

DEFAULT_MAX_BATCH = 16  # rows decoded together; past this a CPU step costs more than it shares
DEFAULT_PREFIX_CACHE_TOKENS = 32_768  # ~1 GB of states for the 1.5B teacher


@dataclass(frozen=True)
class SamplingParams:
    n: int = 1
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 256
    stop: tuple[str, ...] = ()
    seed: int | None = None
    min_tokens: int = 0  # vLLM's extension: no EOS and no stop string before this many tokens
    ignore_eos: bool = False  # vLLM's extension too: EOS never ends a sequence (stop strings still do)


@dataclass
class Completion:
    text: str
    finish_reason: str  # "stop" (EOS or a stop string) | "length"
    stop_reason: str | None  # the stop string that ended it, if any
    token_ids: list[int] = field(default_factory=list)
    token_logprobs: list[float] = field(default_factory=list)


class UnknownModel(Exception):
    pass


class EngineRequestError(Exception):
    """The engine refused a request (bad tokens, a field it lacks): the caller's error, with a status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServingEngine(Protocol):
    """What the HTTP layer needs of an engine (this module's transformers one, or llamacpp.py's)."""

    model_id: str
    context_length: int
    tokenizer: Any

    def model_names(self) -> list[str]: ...

    def adapter_for(self, requested: str) -> str | None: ...

    def render_prompt(
        self, messages: list[dict[str, str]], add_generation_prompt: bool, continue_final_message: bool
    ) -> list[int]: ...

    def generate(
        self, prompt_ids: list[int], params: SamplingParams, adapter: str | None
    ) -> list[Completion]: ...


def pick_device_and_dtype(dtype: str = "auto") -> tuple[torch.device, torch.dtype]:
    """CUDA when present, else the CPU; bf16 where the hardware has it (GPU, or a CPU with
    AVX512-BF16/AMX, where it is also the faster choice), float32 otherwise."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dtype != "auto":
        return device, getattr(torch, dtype)
    cpu_bf16 = getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)()
    if device.type == "cuda" or cpu_bf16:
        return device, torch.bfloat16
    return device, torch.float32


class ChatModel:
    """What every engine shares: its served names (base + adapters) and the prompt, rendered by the
    model's Hugging Face chat template, so every engine sees the same tokens for a conversation."""

    model_id: str
    aliases: tuple[str, ...]
    adapters: list[str]
    tokenizer: Any

    def model_names(self) -> list[str]:
        return served_names(self.model_id, self.adapters)

    def adapter_for(self, requested: str) -> str | None:
        return select_adapter(requested, self.model_id, self.aliases, self.adapters)

    def render_prompt(
        self, messages: list[dict[str, str]], add_generation_prompt: bool, continue_final_message: bool
    ) -> list[int]:
        return render_chat(self.tokenizer, messages, add_generation_prompt, continue_final_message)


class Engine(ChatModel):
    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        model_id: str,
        aliases: tuple[str, ...] = (),
        max_batch: int = DEFAULT_MAX_BATCH,
        prefix_cache_tokens: int = DEFAULT_PREFIX_CACHE_TOKENS,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.aliases = aliases
        self.adapters: list[str] = []
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype
        self.context_length = int(getattr(model.config, "max_position_embeddings", 4096) or 4096)
        self.eos_ids = _eos_ids(model, tokenizer)
        self.batcher = Batcher(self, max_batch, prefix_cache_tokens)

    @classmethod
    def load(
        cls,
        name: str,
        adapters: dict[str, str] | None = None,
        dtype: str = "auto",
        max_batch: int = DEFAULT_MAX_BATCH,
        prefix_cache_tokens: int = DEFAULT_PREFIX_CACHE_TOKENS,
    ) -> Engine:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        resolved = resolve_model(name)
        device, torch_dtype = pick_device_and_dtype(dtype)
        kwargs: dict[str, Any] = {"gguf_file": resolved.gguf_file} if resolved.gguf_file else {}
        tokenizer = AutoTokenizer.from_pretrained(resolved.path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(resolved.path, dtype=torch_dtype, **kwargs)
        model.to(device).eval()  # pyright: ignore[reportArgumentType] (transformers' types reject a device)
        use_grouped_attention(model)
        aliases = (name,) if name != resolved.id else ()
        engine = cls(model, tokenizer, resolved.id, aliases, max_batch, prefix_cache_tokens)
        for adapter_name, path in (adapters or {}).items():
            engine.add_adapter(adapter_name, path)
        return engine

    def add_adapter(self, name: str, path: str | Path) -> None:
        """Load a PEFT LoRA directory; requests select it as ``<base>:<name>`` or ``<name>``."""
        from peft import PeftModel

        check_adapter_name(name, path, self.model_id, self.adapters)
        if not self.adapters:
            self.model = PeftModel.from_pretrained(self.model, str(path), adapter_name=name)
        else:
            self.model.load_adapter(str(path), adapter_name=name)
        self.model.eval()
        self.adapters.append(name)

    def decode(self, token_ids: list[int]) -> str:
        return str(self.tokenizer.decode(token_ids, skip_special_tokens=True))

    def generate(
        self, prompt_ids: list[int], params: SamplingParams, adapter: str | None
    ) -> list[Completion]:
        """Decodes in the shared batch; blocks until this request's n samples are done."""
        seed = params.seed if params.seed is not None else random.getrandbits(63)
        request = Request(
            prompt_ids=prompt_ids,
            params=params,
            adapter=adapter,
            generator=torch.Generator(device=self.device).manual_seed(seed),
            stops=StopMatcher(params.stop, self.decode),
        )
        return self.batcher.submit(request)

    def adapter_scope(self, adapter: str | None) -> contextlib.AbstractContextManager[None]:
        """Selects ``adapter`` (None: the base model with every adapter off) while entered."""
        if not self.adapters:
            return contextlib.nullcontext()
        if adapter is None:
            return self.model.disable_adapter()  # type: ignore[no-any-return]
        self.model.set_adapter(adapter)
        return contextlib.nullcontext()

    def completion(
        self, ids: list[int], logprobs: list[float], finish: str, stops: StopMatcher
    ) -> Completion:
        ended_by_eos = finish == "stop" and bool(ids) and ids[-1] in self.eos_ids
        text = self.decode(ids[:-1] if ended_by_eos else ids)
        if finish == "stop" and not ended_by_eos:  # a stop string ended it: cut there
            text, stop_reason = stops.cut(text)
            return Completion(text, finish, stop_reason, ids, logprobs)
        return Completion(text, finish, None, ids, logprobs)


def served_names(model_id: str, adapters: list[str]) -> list[str]:
    return [model_id, *(f"{model_id}:{a}" for a in adapters)]


def select_adapter(
    requested: str, model_id: str, aliases: tuple[str, ...], adapters: list[str]
) -> str | None:
    """The adapter a model name selects: ``<base>:<adapter>`` or ``<adapter>`` (None: the base
    model, by its id or an alias). Unknown names raise: never a silent fallback to the base."""
    if requested in (model_id, *aliases):
        return None
    base, _, adapter = requested.rpartition(":")
    if base in (model_id, *aliases) and adapter in adapters:
        return adapter
    if requested in adapters:
        return requested
    names = ", ".join(served_names(model_id, adapters))
    raise UnknownModel(f"The model `{requested}` does not exist; served: {names}")


def check_adapter_name(name: str, path: str | Path, model_id: str, taken: list[str]) -> None:
    if not (Path(path) / "adapter_config.json").is_file():
        raise FileNotFoundError(f"adapter '{name}': {path} has no adapter_config.json")
    if name in taken or name == model_id:
        raise ValueError(f"adapter name '{name}' is used twice")


def render_chat(
    tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool, continue_final_message: bool
) -> list[int]:
    """The prompt's token ids under the model's chat template: the same for every engine."""
    text = tokenizer.apply_chat_template(
        messages,
        tokenize=False,
        add_generation_prompt=add_generation_prompt,
        continue_final_message=continue_final_message,
    )
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    ids: set[int] = set()
    for source in (getattr(model, "generation_config", None), model.config, tokenizer):
        value = getattr(source, "eos_token_id", None)
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, list | tuple):
            ids.update(int(v) for v in value)
    # Chat models end a turn with a template token that is not always the tokenizer's EOS.
    for token in ("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|endoftext|>"):
        token_id = tokenizer.convert_tokens_to_ids(token) if token in tokenizer.get_vocab() else None
        if isinstance(token_id, int):
            ids.add(token_id)
    return ids
