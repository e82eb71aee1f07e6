"""A key/value cache whose decode steps append in place.

transformers' ``DynamicLayer.update`` concatenates: every new token copies the whole history of
every row, keys and values, in every layer. For a small model at batch 8 with ~1k-token contexts
that copy moves about as many bytes per step as reading the weights. ``AppendLayer`` keeps each
tensor in a buffer with spare room along the sequence dimension, writes new states into that room
and exposes ``keys``/``values`` as views ``buffer[:, :, :length]``; the buffer grows
geometrically, so a step copies only the new token's states.

The batcher rewrites ``layer.keys``/``layer.values`` from outside (left padding, rows joining,
rows leaving, trimmed padding). Every such assignment goes through the property setters below,
which let go of the buffer: the next update copies the assigned tensor into a fresh buffer once
and appends in place from there. A tensor handed in from outside (prefix-cache states, a slice of
another buffer) is therefore only ever read, never written past its end.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import DynamicCache
from transformers.cache_utils import DynamicLayer

MIN_SPARE_TOKENS = 256  # room added at each (re)allocation, at least; else half the length


class AppendLayer(DynamicLayer):
    def __init__(self, **kwargs: Any) -> None:
        self._keys: torch.Tensor | None = None
        self._values: torch.Tensor | None = None
        self._key_buffer: torch.Tensor | None = None  # owned; ``_keys`` is its prefix while set
        self._value_buffer: torch.Tensor | None = None
        super().__init__(**kwargs)

    # Assigning from outside replaces the states: the buffer no longer backs them.

    @property  # type: ignore[override]
    def keys(self) -> torch.Tensor | None:
        return self._keys

    @keys.setter
    def keys(self, tensor: torch.Tensor | None) -> None:
        self._keys, self._key_buffer = tensor, None

    @property  # type: ignore[override]
    def values(self) -> torch.Tensor | None:
        return self._values

    @values.setter
    def values(self, tensor: torch.Tensor | None) -> None:
        self._values, self._value_buffer = tensor, None

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        assert self._keys is not None and self._values is not None
        self._keys, self._key_buffer = _appended(self._keys, self._key_buffer, key_states)
        self._values, self._value_buffer = _appended(self._values, self._value_buffer, value_states)
        return self._keys, self._values

    @property
    def capacity(self) -> int:
        """Tokens the key buffer holds before it must grow (0: no buffer backs the states)."""
        return 0 if self._key_buffer is None else self._key_buffer.shape[-2]


def _appended(
    states: torch.Tensor, buffer: torch.Tensor | None, new: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``states`` followed by ``new`` along the sequence dimension, and the buffer backing it.

    ``buffer`` is not None only while ``states`` is its prefix view (the setters drop it
    otherwise), so writing after ``states`` inside it overwrites nothing anyone else holds."""
    length = states.shape[-2] if states.numel() else 0  # lazy init leaves a 1-d empty tensor
    end = length + new.shape[-2]
    if buffer is None or end > buffer.shape[-2]:
        capacity = end + max(MIN_SPARE_TOKENS, end // 2)
        grown = new.new_empty((*new.shape[:-2], capacity, new.shape[-1]))
        if length:
            grown[:, :, :length].copy_(states)
        buffer = grown
    buffer[:, :, length:end].copy_(new)
    return buffer[:, :, :end], buffer


def append_cache(config: Any, states: list[tuple[torch.Tensor, torch.Tensor]] | None = None) -> DynamicCache:
    """A DynamicCache of ``AppendLayer``s for a model whose layers are all plain ``DynamicLayer``s
    (the caller checks), filled with copies of ``states`` (per layer: keys, values) if given."""
    cache = DynamicCache(config=config)
    layers = [AppendLayer() for _ in cache.layers]
    # transformers types ``layers`` as a list of its layer mixins; a list of one subclass is not one.
    cache.layers = layers  # pyright: ignore[reportAttributeAccessIssue]
    if states:
        for layer, (keys, values) in zip(layers, states, strict=True):
            layer.update(keys, values)
    return cache
