"""Reuse of attention key/value states between requests that share a prompt prefix.

An agent's requests repeat themselves: every step of an episode resends the system prompt, the
few-shot examples and the whole conversation so far, and every episode of a run starts with the
same system prompt. On a CPU, encoding that prefix again costs seconds per request (about 70
prompt tokens/s for a 1.5B model on two cores). The cache keeps the states of recent sequences
(a prompt after its prefill, a prompt plus its completion after decoding) and hands a new request
the longest prefix it already has, so only the new tail is encoded.

States depend on the LoRA adapter, so entries are keyed by adapter. Memory is bounded by a
token budget with least-recently-used eviction.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch

KeyValues = list[tuple[torch.Tensor, torch.Tensor]]  # per layer: keys, values of shape (1, H, T, D)

MIN_REUSE_TOKENS = 16  # below this, copying states costs about what encoding them would


@dataclass
class _Entry:
    adapter: str | None
    ids: torch.Tensor  # (T,) token ids whose states are held
    states: KeyValues


class PrefixCache:
    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._next_key = 0
        self._tokens = 0
        self.hits = 0
        self.reused_tokens = 0

    def lookup(self, adapter: str | None, ids: list[int]) -> tuple[int, KeyValues | None]:
        """The longest cached prefix of ``ids`` (at most all but the last token, which must be
        encoded to get the next-token logits) and its states, sliced to that length."""
        if self.max_tokens <= 0 or len(ids) <= MIN_REUSE_TOKENS:
            return 0, None
        wanted = torch.tensor(ids[:-1])
        best_len, best_key = 0, None
        for key, entry in self._entries.items():
            if entry.adapter != adapter:
                continue
            common = _common_prefix(entry.ids, wanted)
            if common > best_len:
                best_len, best_key = common, key
        if best_key is None or best_len < MIN_REUSE_TOKENS:
            return 0, None
        self._entries.move_to_end(best_key)
        self.hits += 1
        self.reused_tokens += best_len
        states = self._entries[best_key].states
        return best_len, [(k[:, :, :best_len], v[:, :, :best_len]) for k, v in states]

    def store(self, adapter: str | None, ids: list[int], states: KeyValues) -> None:
        """Keep the states of ``ids``; an entry that is a prefix of these ids is now redundant."""
        if self.max_tokens <= 0 or len(ids) <= MIN_REUSE_TOKENS or len(ids) > self.max_tokens:
            return
        new_ids = torch.tensor(ids)
        for key, entry in list(self._entries.items()):
            if entry.adapter != adapter:
                continue
            if len(entry.ids) <= len(new_ids) and _common_prefix(entry.ids, new_ids) == len(entry.ids):
                self._drop(key)
            elif len(entry.ids) > len(new_ids) and _common_prefix(entry.ids, new_ids) == len(new_ids):
                self._entries.move_to_end(key)  # already held inside a longer entry
                return
        self._entries[self._next_key] = _Entry(adapter, new_ids, states)
        self._next_key += 1
        self._tokens += len(new_ids)
        while self._tokens > self.max_tokens:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: int) -> None:
        self._tokens -= len(self._entries.pop(key).ids)


def _common_prefix(a: torch.Tensor, b: torch.Tensor) -> int:
    n = min(len(a), len(b))
    differ = (a[:n] != b[:n]).nonzero()
    return int(differ[0]) if len(differ) else n
