"""Continuous batching and prefix reuse in the model server's engine, on a tiny random Llama.

The invariant: a request's greedy tokens are the same whether it decodes alone, joined to a batch
of other requests (left padding, attention mask, position ids), or on top of reused prefix states.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from transformers.cache_utils import DynamicLayer

from distillery_worker.serve.append_cache import AppendLayer
from distillery_worker.serve.engine import Engine, SamplingParams

PROMPTS = [
    [{"role": "user", "content": "Compute 2 + 2."}],
    [{"role": "user", "content": "Name the largest planet of the solar system, and say why it is so large."}],
    [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": "Capital of Peru?"},
    ],
]
GREEDY = SamplingParams(n=1, temperature=0, max_tokens=12, min_tokens=12)


def load(tiny_dir: Path, **kwargs: object) -> Engine:
    """The tiny model with its attention sharpened: at random init every score is ~0 and attention
    averages uniformly, which would hide a row whose keys were mixed up with another's."""
    engine = Engine.load(str(tiny_dir), dtype="float32", **kwargs)  # type: ignore[arg-type]
    with torch.no_grad():
        for name, param in engine.model.named_parameters():
            if name.endswith(("q_proj.weight", "k_proj.weight")):
                param.mul_(12.0)
    return engine


def slow_forwards(engine: Engine, seconds: float) -> object:
    """Each forward pass takes a little longer, so requests started together overlap for sure."""
    return engine.model.register_forward_pre_hook(lambda *_: time.sleep(seconds))


def concurrently(engine: Engine, jobs: list[tuple[list[int], str | None]]) -> list[list[int]]:
    results: list[list[int]] = [[] for _ in jobs]

    def run(index: int) -> None:
        prompt, adapter = jobs[index]
        results[index] = engine.generate(prompt, GREEDY, adapter)[0].token_ids

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_requests_decoded_together_match_each_decoded_alone(tiny_dir: Path) -> None:
    engine = load(tiny_dir, prefix_cache_tokens=0)
    prompts = [engine.render_prompt(p, True, False) for p in PROMPTS]
    assert len({len(p) for p in prompts}) == 3, "different lengths exercise the left padding"
    alone = [engine.generate(p, GREEDY, None)[0].token_ids for p in prompts]
    assert engine.batcher.peak_rows == 1

    hook = slow_forwards(engine, 0.02)
    try:
        together = concurrently(engine, [(p, None) for p in prompts])
    finally:
        hook.remove()  # type: ignore[attr-defined]
    assert engine.batcher.peak_rows == 3, "the three requests shared forward passes"
    assert together == alone


def test_batched_requests_respect_their_own_max_tokens_and_seeds(tiny_dir: Path) -> None:
    engine = load(tiny_dir)
    prompt = engine.render_prompt(PROMPTS[0], True, False)
    sampled = SamplingParams(n=3, temperature=1.0, max_tokens=9, min_tokens=9, seed=11)
    short = SamplingParams(n=1, temperature=0, max_tokens=3, min_tokens=3)
    alone = [c.token_ids for c in engine.generate(prompt, sampled, None)]
    outputs: dict[str, list[list[int]]] = {}
    hook = slow_forwards(engine, 0.02)
    try:
        first = threading.Thread(
            target=lambda: outputs.__setitem__(
                "sampled", [c.token_ids for c in engine.generate(prompt, sampled, None)]
            )
        )
        first.start()
        outputs["short"] = [c.token_ids for c in engine.generate(prompt, short, None)]
        first.join(timeout=120)
    finally:
        hook.remove()  # type: ignore[attr-defined]
    assert engine.batcher.peak_rows == 4, "the short request joined the 3 sampled rows"
    assert [len(ids) for ids in outputs["short"]] == [3]
    assert outputs["sampled"] == alone, "a seeded request samples the same tokens inside a batch"


def test_prefix_states_are_reused_and_change_nothing(tiny_dir: Path) -> None:
    cold = load(tiny_dir, prefix_cache_tokens=0)
    warm = load(tiny_dir)
    conversation = [*PROMPTS[1]]
    first_prompt = warm.render_prompt(conversation, True, False)
    reply = warm.generate(first_prompt, GREEDY, None)[0]
    assert reply.token_ids == cold.generate(first_prompt, GREEDY, None)[0].token_ids

    # The next agent step resends everything so far plus an observation.
    conversation += [
        {"role": "assistant", "content": reply.text},
        {"role": "user", "content": "Observation: 42"},
    ]
    second_prompt = warm.render_prompt(conversation, True, False)
    encoded: list[int] = []
    hook = warm.model.register_forward_pre_hook(
        lambda _m, _a, kwargs: encoded.append(kwargs["input_ids"].shape[1]), with_kwargs=True
    )
    try:
        again = warm.generate(second_prompt, GREEDY, None)[0].token_ids
    finally:
        hook.remove()
    assert encoded[0] < len(second_prompt) - len(first_prompt) + 8, "only the new tail is encoded"
    assert warm.batcher.prefix.hits >= 1
    assert again == cold.generate(second_prompt, GREEDY, None)[0].token_ids


def test_an_adapter_request_waits_for_the_base_batch_and_both_stay_exact(
    tiny_dir: Path, adapter_dir: Path
) -> None:
    engine = load(tiny_dir, adapters={"sharp": str(adapter_dir)})
    prompt = engine.render_prompt(PROMPTS[2], True, False)
    alone = [engine.generate(prompt, GREEDY, adapter)[0].token_ids for adapter in (None, "sharp", None)]
    assert alone[0] != alone[1], "the adapter changes the output"
    hook = slow_forwards(engine, 0.02)
    try:
        mixed = concurrently(engine, [(prompt, None), (prompt, "sharp"), (prompt, None)])
    finally:
        hook.remove()  # type: ignore[attr-defined]
    assert mixed == alone


def test_decode_steps_append_in_place_instead_of_copying_the_history(tiny_dir: Path) -> None:
    engine = load(tiny_dir)
    prompt = engine.render_prompt(PROMPTS[1], True, False)
    steps: list[tuple[int, int, int]] = []  # after each decode step: keys and values storage, length

    def record(_module: object, args: tuple[object, ...], kwargs: dict[str, object], _out: object) -> None:
        if kwargs["input_ids"].shape[1] == 1:  # type: ignore[attr-defined]
            layer = kwargs["past_key_values"].layers[0]  # type: ignore[attr-defined]
            steps.append((layer.keys.data_ptr(), layer.values.data_ptr(), layer.keys.shape[-2]))

    hook = engine.model.register_forward_hook(record, with_kwargs=True)
    try:
        engine.generate(prompt, GREEDY, None)
    finally:
        hook.remove()
    assert [length for *_, length in steps] == list(range(len(prompt) + 1, len(prompt) + GREEDY.max_tokens))
    assert len({(keys, values) for keys, values, _ in steps}) == 1, "every step wrote into the same buffer"


def test_the_cache_layer_matches_concatenation_and_never_writes_into_tensors_it_was_given() -> None:
    torch.manual_seed(0)
    held = torch.randn(2, 2, 12, 4)  # e.g. prefix-cache states, handed out as slices
    snapshot = held.clone()
    layer, plain = AppendLayer(), DynamicLayer()

    def step(tokens: int) -> int:
        assert layer.keys is not None
        rows = layer.keys.shape[0]
        keys, values = torch.randn(rows, 2, tokens, 4), torch.randn(rows, 2, tokens, 4)
        ours, theirs = layer.update(keys, values), plain.update(keys, values)
        assert torch.equal(ours[0], theirs[0]) and torch.equal(ours[1], theirs[1])
        assert ours[0] is layer.keys and ours[1] is layer.values
        return ours[0].data_ptr()

    layer.update(held[:, :, :5], held[:, :, 5:10])
    plain.update(held[:, :, :5], held[:, :, 5:10])
    first = step(1)
    assert step(1) == first and step(3) == first, "appends land in the buffer's spare room"
    step(400)  # past the spare room: the buffer grows
    assert layer.keys is not None and layer.capacity > layer.keys.shape[-2]
    # What the batcher does to a batch's cache: trim left padding (a view at an offset into the
    # buffer), drop rows, pad on the left.
    edits = [lambda t: t[:, :, 3:], lambda t: t[torch.tensor([1])], lambda t: F.pad(t, (0, 0, 2, 0))]
    for edit in edits:
        layer.keys, layer.values = edit(layer.keys), edit(layer.values)
        plain.keys, plain.values = edit(plain.keys), edit(plain.values)
        assert layer.capacity == 0, "an assigned tensor is never used as the buffer"
        rebuffered = step(1)
        assert step(1) == rebuffered
    # A slice of someone else's tensor, with room after it that is not the layer's to use.
    layer.keys, layer.values = held[:1, :, :7], held[:1, :, 2:9]
    plain.keys, plain.values = held[:1, :, :7], held[:1, :, 2:9]
    step(1)
    step(2)
    assert torch.equal(held, snapshot), "the given tensors were only read"


def test_grouped_decode_attention_matches_transformers_sdpa(tiny_dir: Path) -> None:
    """The decode step's grouped attention (no key/value head copies) computes what transformers'
    SDPA path computes, with left padding in the mask."""
    from transformers import AutoModelForCausalLM

    from distillery_worker.serve.append_cache import append_cache
    from distillery_worker.serve.grouped_attention import NAME, use_grouped_attention

    def decode_logits(model: Any) -> torch.Tensor:
        torch.manual_seed(0)
        ids = torch.randint(3, 300, (3, 20))
        mask = torch.ones(3, 21, dtype=torch.long)
        mask[0, :7] = 0  # a left-padded row
        cache = append_cache(model.config)
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask[:, :20], past_key_values=cache, use_cache=True)
            out = model(
                input_ids=torch.tensor([[5], [6], [7]]),
                attention_mask=mask,
                past_key_values=cache,
                position_ids=torch.tensor([[13], [20], [20]]),
                use_cache=True,
            )
        return out.logits[:, -1].float()

    model = AutoModelForCausalLM.from_pretrained(tiny_dir, dtype=torch.float32).eval()
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(("q_proj.weight", "k_proj.weight")):
                param.mul_(12.0)
    assert model.config.num_attention_heads != model.config.num_key_value_heads, "a GQA model"
    reference = decode_logits(model)
    assert use_grouped_attention(model)
    assert model.config._attn_implementation == NAME
    torch.testing.assert_close(decode_logits(model), reference, rtol=1e-4, atol=1e-4)
