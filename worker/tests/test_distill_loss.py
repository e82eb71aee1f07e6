"""The on-policy distillation loss (distill/loss.py) on a tiny random Llama built in code: it is the
reverse KL it claims to be (over the sampled token and the rest, and with the teacher's first choice
as a third bucket, which keeps the student's lost mass off the rest of the vocabulary), it falls
when the student is trained on a fixed batch, masked tokens (prompts, tool observations) carry no
gradient, and a student that already is the teacher gets neither loss nor gradient."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForCausalLM

from distillery_worker.distill.loss import (
    IGNORE,
    distill_loss,
    predicting,
    sampled_reverse_kl,
    shifted_targets,
    token_reverse_kl,
)
from distillery_worker.weights.tiny import build_tiny_model


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("distill-loss")
    return build_tiny_model(root / "student", seed=1, hidden_size=32), build_tiny_model(
        root / "teacher", seed=2, hidden_size=32
    )


def batch(student: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Two rows, on-policy as in a round: a 5-token prompt (IGNORE, like a chat's system and user
    turns), then 7 tokens the student samples; the second row's last 3 stand for a tool
    observation (IGNORE too)."""
    torch.manual_seed(0)
    prompt = torch.randint(3, student.config.vocab_size, (2, 5), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ids = student.generate(
            prompt, attention_mask=torch.ones_like(prompt), do_sample=True, max_new_tokens=7, min_new_tokens=7
        )
    labels = ids.clone()
    labels[:, :5] = IGNORE
    labels[1, 9:] = IGNORE
    return ids, labels


def teacher_logprobs(teacher: torch.nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """What the model server's scoring gives: the teacher's logprob of each given token (aligned
    with ``ids``; position 0 has none)."""
    with torch.no_grad():
        logprobs = torch.log_softmax(teacher(input_ids=ids).logits.float(), dim=-1)
    row = torch.zeros(ids.shape)
    row[:, 1:] = logprobs[:, :-1].gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return row


def test_it_is_the_reverse_kl_on_the_sampled_token_and_the_rest() -> None:
    generator = torch.Generator().manual_seed(3)
    logits = torch.randn(6, 50, generator=generator)
    tokens = torch.randint(0, 50, (6,), generator=generator)
    teacher = torch.log(torch.rand(6, generator=generator) * 0.9 + 0.05)
    s = torch.softmax(logits.double(), -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    t = teacher.double().exp()
    closed_form = s * torch.log(s / t) + (1 - s) * torch.log((1 - s) / (1 - t))
    assert torch.allclose(token_reverse_kl(logits, tokens, teacher).double(), closed_form, atol=1e-5)


def test_with_the_teachers_choice_it_is_the_reverse_kl_over_three_buckets() -> None:
    generator = torch.Generator().manual_seed(4)
    logits = torch.randn(6, 50, generator=generator)
    tokens = torch.randint(0, 50, (6,), generator=generator)
    top = (tokens + 1 + torch.randint(0, 48, (6,), generator=generator)) % 50  # never the sampled token
    top[0] = tokens[0]  # except here: the teacher's choice is the sampled token
    tx = torch.rand(6, generator=generator).double() * 0.4 + 0.05
    ty = torch.rand(6, generator=generator).double() * 0.4 + 0.05
    ty[0] = tx[0]
    probs = torch.softmax(logits.double(), -1)
    sx, sy = (
        probs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1),
        probs.gather(-1, top.unsqueeze(-1)).squeeze(-1),
    )
    three = (
        sx * torch.log(sx / tx)
        + sy * torch.log(sy / ty)
        + (1 - sx - sy) * torch.log((1 - sx - sy) / (1 - tx - ty))
    )
    two = sx * torch.log(sx / tx) + (1 - sx) * torch.log((1 - sx) / (1 - tx))
    expected = torch.where(top == tokens, two, three)
    got = token_reverse_kl(logits, tokens, tx.log().float(), top, ty.log().float()).double()
    assert torch.allclose(got, expected, atol=1e-5)


def test_what_the_student_gives_up_goes_to_the_teachers_choice() -> None:
    # One position of a 50-token vocabulary: the student is sure of token 0; the teacher gives it 0.3
    # and would write token 1 (0.6). Trained to convergence on the loss alone:
    tokens, teacher = torch.tensor([0]), torch.tensor([0.3]).log()

    def trained(*top: torch.Tensor) -> torch.Tensor:
        logits = torch.zeros(1, 50)
        logits[0, 0] = 6.0
        logits.requires_grad_(True)
        optimizer = torch.optim.SGD([logits], lr=1.0)
        for _ in range(300):
            optimizer.zero_grad()
            token_reverse_kl(logits, tokens, teacher, *top).sum().backward()
            optimizer.step()
        return torch.softmax(logits.detach(), -1)[0]

    two = trained()
    three = trained(torch.tensor([1]), torch.tensor([0.6]).log())
    # Both lower the doubted token to the teacher's 0.3. With the sampled token alone the rest, 0.7,
    # is spread over the 49 other tokens — what sampling then draws from; with the teacher's choice
    # in the support it goes where the teacher puts it.
    assert two[0].item() == pytest.approx(0.3, abs=1e-3) and three[0].item() == pytest.approx(0.3, abs=1e-3)
    assert two[2:].sum().item() > 0.6 and two[1].item() < 0.05
    assert three[1].item() == pytest.approx(0.6, abs=1e-3) and three[2:].sum().item() == pytest.approx(
        0.1, abs=1e-3
    )


def test_the_loss_falls_on_a_fixed_batch(models: tuple[Path, Path]) -> None:
    student = AutoModelForCausalLM.from_pretrained(models[0])
    teacher = AutoModelForCausalLM.from_pretrained(models[1])
    ids, labels = batch(student)
    target = teacher_logprobs(teacher, ids)
    optimizer = torch.optim.Adam(student.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        loss = distill_loss(student(input_ids=ids).logits, labels, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[0] > 0.1, losses[0]  # two random models disagree
    assert losses[-1] < 0.25 * losses[0], losses


def test_masked_tokens_carry_no_gradient(models: tuple[Path, Path]) -> None:
    student = AutoModelForCausalLM.from_pretrained(models[0])
    ids, labels = batch(student)
    target = torch.full(ids.shape, math.log(0.5))
    logits = student(input_ids=ids).logits.detach().requires_grad_(True)
    distill_loss(logits, labels, target).backward()
    assert logits.grad is not None
    predicts_masked = labels[:, 1:] == IGNORE  # logits at i predict the token at i + 1
    assert torch.all(logits.grad[:, :-1][predicts_masked] == 0)
    assert torch.all(logits.grad[:, -1] == 0)  # the last position predicts nothing
    assert torch.all(logits.grad[:, :-1][~predicts_masked].abs().sum(-1) > 0)
    # The teacher's scores of masked tokens do not enter the loss at all.
    moved = target.clone()
    moved[labels == IGNORE] = -20.0
    assert distill_loss(logits, labels, moved).item() == distill_loss(logits, labels, target).item()


def test_a_student_that_is_the_teacher_gets_no_loss_and_no_gradient(models: tuple[Path, Path]) -> None:
    student = AutoModelForCausalLM.from_pretrained(models[0])
    ids, labels = batch(student)
    own = teacher_logprobs(student, ids)
    loss = distill_loss(student(input_ids=ids).logits, labels, own)
    loss.backward()
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    assert max(p.grad.abs().max().item() for p in student.parameters() if p.grad is not None) < 1e-5
    logits, tokens, teacher = shifted_targets(student(input_ids=ids).logits.detach(), labels, own)
    student_logprobs = torch.log_softmax(logits, -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    assert sampled_reverse_kl(student_logprobs, teacher) == pytest.approx(0.0, abs=1e-6)


def test_projecting_only_the_predicting_positions_gives_the_same_loss_and_gradient(
    models: tuple[Path, Path],
) -> None:
    """What the round trains with (logits_to_keep = predicting(labels)) against every position's logits."""
    student = AutoModelForCausalLM.from_pretrained(models[0])
    teacher = AutoModelForCausalLM.from_pretrained(models[1])
    ids, labels = batch(student)
    ids, labels = ids[:1], labels[:1]
    target = teacher_logprobs(teacher, ids)
    top_ids = torch.randint(0, student.config.vocab_size, ids.shape)
    top_logprobs = torch.full(ids.shape, math.log(0.3))
    keep = predicting(labels)
    assert keep.numel() == int((labels[0, 1:] != IGNORE).sum())
    kept = student(input_ids=ids, logits_to_keep=keep).logits
    assert kept.shape[:2] == (1, keep.numel())
    loss = distill_loss(kept, labels, target, top_ids, top_logprobs, keep=keep)
    loss.backward()
    grads = {name: p.grad.clone() for name, p in student.named_parameters() if p.grad is not None}
    student.zero_grad()
    full = distill_loss(student(input_ids=ids).logits, labels, target, top_ids, top_logprobs)
    full.backward()
    assert loss.item() == pytest.approx(full.item(), rel=1e-5)
    full_grads = {name: p.grad for name, p in student.named_parameters() if p.grad is not None}
    assert grads.keys() == full_grads.keys()
    for name, grad in grads.items():
        assert (grad - full_grads[name]).norm() <= 1e-4 * full_grads[name].norm() + 1e-9, name  # float32 sums
    with pytest.raises(ValueError, match="one sequence"):
        predicting(torch.zeros(2, 3, dtype=torch.long))
