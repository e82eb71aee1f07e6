"""Per-sample attention for padding-free rows (train/packed_attention.py) must give what
transformers' sdpa gives with its block-diagonal causal mask over the row: the same outputs and the
same gradients, with grouped-query heads, and fall back to sdpa wherever rows are not packed."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM

from distillery_worker.train.packed_attention import NAME, register, sample_lengths
from distillery_worker.weights.tiny import build_tiny_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


# use_cache=False as in training: with a cache, transformers' sdpa reads a row as one sequence.
def _model(path: Path, attention: str):
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation=attention)


def _packed_row(lengths: list[int], vocab: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(0, vocab, (1, sum(lengths)), generator=generator)
    positions = torch.cat([torch.arange(n) for n in lengths]).unsqueeze(0)
    return ids, positions


def test_sample_lengths_read_the_restarts():
    assert sample_lengths(torch.tensor([[0, 1, 2, 0, 1, 0, 1, 2, 3]])) == [3, 2, 4]
    assert sample_lengths(torch.tensor([[0, 1, 2, 3]])) == [4]
    assert sample_lengths(torch.tensor([[0, 0, 0]])) == [1, 1, 1]


@pytest.mark.parametrize("lengths", [[7, 13, 5], [20], [1, 9]])
def test_same_logits_and_gradients_as_masked_sdpa(tiny, lengths):
    register()
    reference, packed = _model(tiny, "sdpa"), _model(tiny, NAME)
    assert packed.config._attn_implementation == NAME
    assert reference.config.num_attention_heads != reference.config.num_key_value_heads  # grouped queries
    ids, positions = _packed_row(lengths, reference.config.vocab_size)
    results = []
    for model in (reference, packed):
        out = model(input_ids=ids, position_ids=positions, labels=ids, use_cache=False)
        out.loss.backward()
        grads = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
        results.append((out.logits.detach(), grads))
    (ref_logits, ref_grads), (logits, grads) = results
    torch.testing.assert_close(logits, ref_logits, rtol=1e-5, atol=1e-5)
    assert grads.keys() == ref_grads.keys() and grads
    for name, grad in grads.items():
        torch.testing.assert_close(grad, ref_grads[name], rtol=1e-3, atol=1e-5)


def test_attention_stays_inside_each_sample(tiny):
    """The comparison above can fail: the same row read as one sample gives other logits."""
    register()
    model = _model(tiny, NAME)
    ids, positions = _packed_row([7, 13], model.config.vocab_size)
    with torch.no_grad():
        apart = model(input_ids=ids, position_ids=positions, use_cache=False).logits
        together = model(input_ids=ids, position_ids=torch.arange(20).unsqueeze(0), use_cache=False).logits
        second_alone = model(input_ids=ids[:, 7:], use_cache=False).logits
    assert not torch.allclose(apart[:, 7:], together[:, 7:], atol=1e-3)
    torch.testing.assert_close(apart[:, 7:], second_alone, rtol=1e-5, atol=1e-5)


def test_padded_batches_fall_back_to_sdpa(tiny):
    register()
    reference, packed = _model(tiny, "sdpa"), _model(tiny, NAME)
    ids = torch.randint(0, reference.config.vocab_size, (2, 10), generator=torch.Generator().manual_seed(2))
    mask = torch.ones(2, 10, dtype=torch.long)
    mask[1, 6:] = 0
    with torch.no_grad():
        expected = reference(input_ids=ids, attention_mask=mask, use_cache=False).logits
        got = packed(input_ids=ids, attention_mask=mask, use_cache=False).logits
    torch.testing.assert_close(got[0], expected[0], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got[1, :6], expected[1, :6], rtol=1e-5, atol=1e-5)
