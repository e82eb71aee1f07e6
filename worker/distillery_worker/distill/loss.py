"""The on-policy distillation loss: per-token reverse KL from the student to the teacher, on the
tokens the student sampled, where the teacher gives only the log-probability of each sampled token
(the model server's scoring primitive returns that, not whole distributions).

The divergence is TRL's: its server-teacher path compares the two models on a small support per
position plus a tail bucket for everything else (``_add_tail_bucket``), with ``_jsd_divergence`` at
beta = 1 (reverse KL). Our support is the sampled token and the teacher's own first choice (which the
scoring primitive returns too). With the sampled token alone, for student probability s and teacher
probability t, it is ``s log(s/t) + (1-s) log((1-s)/(1-t))``: zero exactly where the models agree,
with zero gradient there, and pulling s towards t elsewhere. TRL 1.13 keeps these two functions in
``trl.experimental.server_distillation`` (pinned in worker/requirements.txt); its trainer around them
generates with its own loop and talks to TRL's vLLM server protocol, so it cannot drive the CodeAct
loop and the sandbox, and the trainer here is ours (distill/round.py)."""

from __future__ import annotations

import os

import torch
import torch.nn.functional as F

from ..train.mask import IGNORE

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")  # the pin above is how we live with "experimental"
from trl.experimental.server_distillation.server_distillation_trainer import (  # noqa: E402
    _add_tail_bucket,
    _jsd_divergence,
)

REVERSE_KL = 1.0  # TRL's beta: 0 forward KL, 1 reverse KL


def token_reverse_kl(
    student_logits: torch.Tensor,
    tokens: torch.Tensor,
    teacher_logprobs: torch.Tensor,
    teacher_top_ids: torch.Tensor | None = None,
    teacher_top_logprobs: torch.Tensor | None = None,
) -> torch.Tensor:
    """Reverse KL per token, shape (N,): ``student_logits`` (N, V) are the logits that predicted
    ``tokens`` (N,), and ``teacher_logprobs`` (N,) the teacher's log-probabilities of those tokens.

    With the teacher's own first choice at each position (``teacher_top_ids``, ``teacher_top_logprobs``,
    (N,)), the support is {the sampled token, the teacher's choice, the rest} — TRL's top-k support with
    the sampled token added — one bucket fewer where the two are the same token. Without it, what the
    student gives up on a token the teacher doubts spreads over the whole vocabulary (tests); on
    cpu-opd-arith a round collapsed the SFT student with either support (README)."""
    log_probs = F.log_softmax(student_logits.float(), dim=-1)
    ids, teacher = tokens.unsqueeze(-1), teacher_logprobs.to(log_probs.dtype).unsqueeze(-1)
    if teacher_top_ids is not None and teacher_top_logprobs is not None:
        ids = torch.stack([tokens, teacher_top_ids], dim=-1)
        teacher = torch.stack([teacher_logprobs, teacher_top_logprobs], dim=-1).to(log_probs.dtype)
    student = log_probs.gather(-1, ids)  # (N, K)
    support = torch.ones_like(student, dtype=torch.bool)
    if ids.shape[-1] == 2:
        support[:, 1] = ids[:, 1] != ids[:, 0]  # the teacher chose the sampled token: one bucket
        nothing = torch.full_like(student, float("-inf"))  # out of the tail bucket's sum as well
        student, teacher = torch.where(support, student, nothing), torch.where(support, teacher, nothing)
    student_k, mask = _add_tail_bucket(student, support)
    teacher_k, _ = _add_tail_bucket(teacher, support)
    return _jsd_divergence(student_k, teacher_k, REVERSE_KL, mask).sum(-1)


def shifted_targets(
    logits: torch.Tensor, labels: torch.Tensor, *teacher: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, *tuple[torch.Tensor, ...]]:
    """The trainable positions of a batch, flattened: (logits (N, V), tokens (N,), *teacher (N,)).
    ``labels`` (B, T) hold the token at each trainable position and IGNORE elsewhere (prompts, tool
    observations, padding); each of ``teacher`` (B, T) — its logprobs, and optionally its first
    choice's ids and logprobs — is aligned with ``labels``. The logits at position i predict the
    token at i + 1."""
    targets = labels[:, 1:]
    keep = targets != IGNORE
    return logits[:, :-1][keep], targets[keep], *(t[:, 1:][keep] for t in teacher)


def predicting(labels: torch.Tensor) -> torch.Tensor:
    """For a batch of one sequence, the positions whose logits predict a trainable token (position i
    predicts i + 1): the only logits the loss needs. Asking the model for just these
    (``logits_to_keep``) keeps a long episode's update in memory: Qwen2.5's vocabulary costs 0.6 MB
    per position in float32, and a round of cpu-opd-arith was killed for memory with every position."""
    if labels.shape[0] != 1:
        raise ValueError("predicting() takes a batch of one sequence")
    return (labels[0, 1:] != IGNORE).nonzero().squeeze(-1)


def distill_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    teacher_logprobs: torch.Tensor,
    teacher_top_ids: torch.Tensor | None = None,
    teacher_top_logprobs: torch.Tensor | None = None,
    keep: torch.Tensor | None = None,
) -> torch.Tensor:
    """Mean reverse KL over the batch's trainable tokens (0 with a gradient path when there are none).
    ``logits`` are every position's (B, T, V), or, with ``keep = predicting(labels)``, those
    positions' only (1, K, V)."""
    teacher = (
        (teacher_logprobs,)
        if teacher_top_ids is None or teacher_top_logprobs is None
        else (teacher_logprobs, teacher_top_ids, teacher_top_logprobs)
    )
    if keep is None:
        student_logits, tokens, *targets = shifted_targets(logits, labels, *teacher)
    else:
        student_logits, tokens, targets = logits[0], labels[0, keep + 1], [t[0, keep + 1] for t in teacher]
    per_token = token_reverse_kl(student_logits, tokens, *targets)
    return per_token.sum() / max(per_token.numel(), 1)


def sampled_reverse_kl(student_logprobs: torch.Tensor, teacher_logprobs: torch.Tensor) -> float:
    """The round's reported ``reverseKl``: the mean of log s(x) - log t(x) over the tokens x the
    student sampled, which estimates KL(student || teacher) per token without the vocabulary
    (Thinking Machines, "On-Policy Distillation", 2025). Zero when the models agree."""
    if student_logprobs.numel() == 0:
        return 0.0
    return float((student_logprobs.double() - teacher_logprobs.double()).mean())
