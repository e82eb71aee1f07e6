"""Continuous batching: concurrent requests decode together, one forward pass per token for all.

On a CPU (and on a GPU at small batch) a decode step costs about the same for one sequence as for
eight: the time goes into reading the weights. Agent runs keep several episodes in flight, so a
server that decodes one request at a time leaves most of that throughput unused. Here a single
scheduler thread owns the model; a request joins the running batch at the next step (after its
own prefill, which reuses cached prefix states) and leaves it as soon as it is done.

Rows of different lengths share one key/value cache by left padding, with an attention mask that
hides the padding and per-row position ids, as batched generation does in transformers; a decode
step writes the new token's states into spare room of the cache (append_cache.py) instead of
copying every row's history. Rows whose request selects another LoRA adapter wait until the batch
drains. Models whose cache is not a plain growing one (sliding-window layers) are served one
request at a time.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer

from .append_cache import append_cache
from .prefix_cache import PrefixCache
from .sampling import StopMatcher, sample_next

if TYPE_CHECKING:
    from .engine import Completion, Engine, SamplingParams


@dataclass(eq=False)  # identity: a request is a dictionary key while its rows decode
class Request:
    prompt_ids: list[int]
    params: SamplingParams
    adapter: str | None
    generator: torch.Generator
    stops: StopMatcher
    tokens: list[list[int]] = field(default_factory=list)
    logprobs: list[list[float]] = field(default_factory=list)
    finish: list[str] = field(default_factory=list)
    open_rows: int = 0
    done: threading.Event = field(default_factory=threading.Event)
    result: list[Completion] | None = None
    error: BaseException | None = None

    def __post_init__(self) -> None:
        n = self.params.n
        self.tokens, self.logprobs = [[] for _ in range(n)], [[] for _ in range(n)]
        self.finish, self.open_rows = ["length"] * n, n

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


@dataclass
class _Row:
    request: Request
    seq: int  # which of the request's n samples this row decodes


class Batcher:
    def __init__(self, engine: Engine, max_rows: int, prefix_cache_tokens: int) -> None:
        self.engine = engine
        self.max_rows = max(1, max_rows)
        self.prefix = PrefixCache(prefix_cache_tokens)
        self.shares_cache = _plain_dynamic_cache(engine.model.config)
        self._queue: deque[Request] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        # The running batch: rows, their shared cache, attention mask (rows × cached positions),
        # next position id per row, and next-token logits per row.
        self._rows: list[_Row] = []
        self._cache: DynamicCache | None = None
        self._mask = torch.zeros(0, 0, dtype=torch.long)
        self._positions = torch.zeros(0, dtype=torch.long)
        self._logits: torch.Tensor | None = None
        self._adapter: str | None = None
        self._adapter_scope = contextlib.ExitStack()
        self.peak_rows = 0

    def submit(self, request: Request) -> list[Completion]:
        with self._wake:
            self._queue.append(request)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="batcher", daemon=True)
                self._thread.start()
            self._wake.notify()
        request.done.wait()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    # The scheduler thread.

    def _run(self) -> None:
        with torch.inference_mode():
            while True:
                self._admit_waiting()
                if not self._rows:
                    with self._wake:
                        while not self._queue:
                            self._wake.wait()
                    continue
                try:
                    self._step()
                except Exception as err:  # a failed forward fails the requests in it, not the server
                    for request in {row.request for row in self._rows}:
                        request.fail(err)
                    self._reset()

    def _admit_waiting(self) -> None:
        while True:
            with self._wake:
                if not self._queue or not self._has_room_for(self._queue[0]):
                    return
                request = self._queue.popleft()
            try:
                self._join(request)
            except Exception as err:
                request.fail(err)
                if not self._rows:
                    self._reset()

    def _has_room_for(self, request: Request) -> bool:
        if not self._rows:
            return True
        return (
            self.shares_cache
            and request.adapter == self._adapter
            and len(self._rows) + request.params.n <= self.max_rows
        )

    def _join(self, request: Request) -> None:
        if not self._rows:
            self._use_adapter(request.adapter)
        ids = request.prompt_ids
        config = self.engine.model.config
        if self.shares_cache:
            start, states = self.prefix.lookup(request.adapter, ids)
            cache = append_cache(config, states)  # copies the states: the prefix cache keeps its own
        else:
            start, cache = 0, DynamicCache(config=config)
        out = self.engine.model(
            input_ids=torch.tensor([ids[start:]], device=self.engine.device),
            past_key_values=cache,
            use_cache=True,
            logits_to_keep=1,  # a 10k-token prompt × 150k vocabulary would be gigabytes
        )
        cache = out.past_key_values
        if self.shares_cache:
            self.prefix.store(request.adapter, ids, _row_states(cache, 0, 0))
        n = request.params.n
        logits = out.logits[:, -1, :].expand(n, -1)
        if n > 1:
            cache.batch_repeat_interleave(n)
        self._merge(cache, len(ids), logits, [_Row(request, seq) for seq in range(n)])
        self.peak_rows = max(self.peak_rows, len(self._rows))

    def _merge(self, cache: DynamicCache, length: int, logits: torch.Tensor, rows: list[_Row]) -> None:
        n = len(rows)
        mask = torch.ones(n, length, dtype=torch.long, device=self.engine.device)
        positions = torch.full((n,), length, dtype=torch.long, device=self.engine.device)
        if self._cache is None or not self._rows:
            self._cache, self._mask, self._positions, self._logits = cache, mask, positions, logits
            self._rows = rows
            return
        width = self._mask.shape[1]
        _pad_left(cache, width - length)
        _pad_left(self._cache, length - width)
        pad = max(0, length - width), max(0, width - length)
        self._mask = torch.cat([F.pad(self._mask, (pad[0], 0)), F.pad(mask, (pad[1], 0))])
        for mine, theirs in zip(_layers(self._cache), _layers(cache), strict=True):
            mine.keys = torch.cat([mine.keys, theirs.keys])
            mine.values = torch.cat([mine.values, theirs.values])
        self._positions = torch.cat([self._positions, positions])
        assert self._logits is not None
        self._logits = torch.cat([self._logits, logits])
        self._rows = self._rows + rows

    def _step(self) -> None:
        assert self._cache is not None and self._logits is not None
        tokens = torch.empty(len(self._rows), dtype=torch.long, device=self.engine.device)
        keep: list[int] = []
        for request, indices in _rows_by_request(self._rows).items():
            generated = len(request.tokens[self._rows[indices[0]].seq])
            picked, logprobs = self._sample(request, generated, self._logits[indices])
            tokens[indices] = picked
            for offset, row in enumerate(indices):
                if self._record(self._rows[row], int(picked[offset]), float(logprobs[offset])):
                    keep.append(row)
        kept = set(keep)
        for row_index, row in enumerate(self._rows):
            if row_index not in kept:
                self._finish_row(row_index, row)
        if not keep:
            self._reset()
            return
        if len(keep) < len(self._rows):
            index = torch.tensor(keep, device=self.engine.device)
            self._cache.batch_select_indices(index)
            self._mask, self._positions, tokens = self._mask[index], self._positions[index], tokens[index]
            self._rows = [self._rows[i] for i in keep]
            self._trim_padding()
        self._mask = F.pad(self._mask, (0, 1), value=1)
        out = self.engine.model(
            input_ids=tokens.unsqueeze(-1),
            past_key_values=self._cache,
            attention_mask=self._mask,
            position_ids=self._positions.unsqueeze(-1),
            use_cache=True,
        )
        self._positions = self._positions + 1
        self._logits = out.logits[:, -1, :]

    def _sample(
        self, request: Request, generated: int, logits: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        params = request.params
        if (params.ignore_eos or generated < params.min_tokens) and self.engine.eos_ids:
            eos = torch.tensor(sorted(self.engine.eos_ids), device=logits.device)
            logits = logits.clone()
            logits[:, eos] = float("-inf")
        return sample_next(logits, params.temperature, params.top_p, request.generator)

    def _record(self, row: _Row, token: int, logprob: float) -> bool:
        """Append a sampled token; False when the row is finished."""
        request, params = row.request, row.request.params
        seq_tokens = request.tokens[row.seq]
        seq_tokens.append(token)
        request.logprobs[row.seq].append(logprob)
        may_stop = len(seq_tokens) > params.min_tokens
        if may_stop and (token in self.engine.eos_ids or request.stops.hit(seq_tokens)):
            request.finish[row.seq] = "stop"
            return False
        return len(seq_tokens) < params.max_tokens

    def _finish_row(self, index: int, row: _Row) -> None:
        request = row.request
        if self.shares_cache and request.params.n == 1:
            # The cache holds the prompt and every sampled token but the last (never fed back).
            ids = request.prompt_ids + request.tokens[row.seq][:-1]
            padding = int(self._mask.shape[1] - self._mask[index].sum())
            self.prefix.store(request.adapter, ids, _row_states(self._cache, index, padding))
        request.open_rows -= 1
        if request.open_rows == 0:
            make: Callable[[list[int], list[float], str, StopMatcher], Completion] = self.engine.completion
            request.result = [
                make(request.tokens[i], request.logprobs[i], request.finish[i], request.stops)
                for i in range(request.params.n)
            ]
            request.done.set()

    def _trim_padding(self) -> None:
        """Drop cache columns that are padding in every row (left by rows that have left)."""
        assert self._cache is not None
        padding = int((self._mask.shape[1] - self._mask.sum(dim=1)).min())
        if padding > 0:  # the layers re-buffer the sliced views at the next step (one copy)
            self._mask = self._mask[:, padding:]
            for layer in _layers(self._cache):
                layer.keys, layer.values = layer.keys[:, :, padding:], layer.values[:, :, padding:]

    def _use_adapter(self, adapter: str | None) -> None:
        self._adapter_scope.close()
        self._adapter = adapter
        self._adapter_scope = contextlib.ExitStack()
        self._adapter_scope.enter_context(self.engine.adapter_scope(adapter))

    def _reset(self) -> None:
        self._rows, self._cache, self._logits = [], None, None
        self._adapter_scope.close()


def _plain_dynamic_cache(config: Any) -> bool:
    """Whether every layer's cache is a plain growing one, which left padding can batch."""
    try:
        layers = DynamicCache(config=config).layers
    except Exception:
        return False
    return bool(layers) and all(type(layer) is DynamicLayer for layer in layers)


def _layers(cache: DynamicCache) -> list[Any]:
    """The layers of a batch's cache, typed loosely: transformers types them as any kind of layer
    with optional tensors, but here they are plain growing ones (``_plain_dynamic_cache``) or
    ``AppendLayer``s, past their prefill, so ``keys`` and ``values`` are set."""
    return cache.layers


def _pad_left(cache: DynamicCache, amount: int) -> None:
    if amount > 0:
        for layer in _layers(cache):
            layer.keys = F.pad(layer.keys, (0, 0, amount, 0))
            layer.values = F.pad(layer.values, (0, 0, amount, 0))


def _row_states(
    cache: DynamicCache | None, row: int, padding: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """One row's states without its padding, copied: a view would pin the whole batch's tensors."""
    assert cache is not None
    return [
        (layer.keys[row : row + 1, :, padding:].clone(), layer.values[row : row + 1, :, padding:].clone())
        for layer in _layers(cache)
    ]


def _rows_by_request(rows: list[_Row]) -> dict[Request, list[int]]:
    groups: dict[Request, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.request, []).append(index)
    return groups
