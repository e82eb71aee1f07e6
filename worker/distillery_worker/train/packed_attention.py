"""Attention for padding-free rows that skips what the mask would throw away.

A padding-free batch is one row of several samples whose position ids restart at each sample.
transformers' sdpa attention keeps each sample to itself with a block-diagonal causal mask over the
whole row, so every token still pays for the row's full width: a row of two 900-token samples costs
each token 1,800 keys, masked or not. Here the row is cut where the positions restart and each sample
gets sdpa's causal kernel on its own keys: the same result (tests/test_packed_attention.py), 3× less
attention work for that row on this CPU (measured per layer; the whole trainer in bench/README.md).
Anything else (a padded batch, a KV cache) goes to transformers' sdpa unchanged.

``attn_implementation="sdpa_packed"`` after :func:`register` selects it."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import (
    ALL_MASK_ATTENTION_FUNCTIONS,
    find_packed_sequence_indices,
    sdpa_mask,
)

NAME = "sdpa_packed"


def sample_lengths(position_ids: torch.Tensor) -> list[int]:
    """Lengths of the samples in one row, cut where transformers' own packed-sequence detection
    (``find_packed_sequence_indices``: wherever a position does not follow the one before) cuts."""
    samples = find_packed_sequence_indices(position_ids)
    if samples is None:  # one sample
        return [position_ids.shape[-1]]
    return torch.bincount(samples[0]).tolist()


def packed_mask(*args: Any, attention_mask: torch.Tensor | None = None, **kwargs: Any) -> torch.Tensor | None:
    """No 4D mask when nothing is padded (the attention reads the samples from the positions);
    sdpa's own mask otherwise, so a padded batch is attended exactly as transformers would."""
    if attention_mask is None or bool(attention_mask.all()):
        return None
    return sdpa_mask(*args, attention_mask=attention_mask, **kwargs)


def packed_sdpa_forward(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    position_ids = kwargs.get("position_ids")
    packed = (
        attention_mask is None
        and query.shape[0] == 1
        and query.shape[2] == key.shape[2]  # no KV cache: training, or a prefill from nothing
        and getattr(module, "is_causal", True)
    )
    if position_ids is None or not packed:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout, scaling, **kwargs)
    if getattr(module, "sliding_window", None):
        raise ValueError(f"{NAME}: sliding-window attention is not supported; load the model with sdpa")
    outputs, start = [], 0
    for length in sample_lengths(position_ids):
        span = slice(start, start + length)
        outputs.append(
            F.scaled_dot_product_attention(
                query[:, :, span],
                key[:, :, span],
                value[:, :, span],
                dropout_p=dropout,
                scale=scaling,
                is_causal=True,
                enable_gqa=query.shape[1] != key.shape[1],
            )
        )
        start += length
    return torch.cat(outputs, dim=2).transpose(1, 2).contiguous(), None


def register() -> str:
    AttentionInterface.register(NAME, packed_sdpa_forward)
    ALL_MASK_ATTENTION_FUNCTIONS.register(NAME, packed_mask)
    return NAME
