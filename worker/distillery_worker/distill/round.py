"""One round of on-policy distillation, after the student's episodes of the round were run and
stored by the workbench (they arrive as an SFT export: the student's own turns trainable, prompts
and tool observations not):

1. the episodes are tokenised with the student's chat template and loss mask (train/mask.py);
2. the teacher scores every trainable token through its model server (teacher.py), behind its own
   system prompt when one is given (teacher_prompt.py);
3. the student (the base with a new LoRA adapter, or the previous round's adapter) scores the same
   tokens before it changes; ``scores.jsonl`` keeps both per token, for the trace viewer;
4. the student is trained on per-token reverse KL to the teacher (loss.py) and written as
   ``adapter/`` and ``merged/`` (what the model server serves next round), with ``metrics.json``.

Events on stdout as the trainer's (``scored``, ``step``, ``done``, ``error``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM, PrinterCallback, Trainer, TrainingArguments

from ..train.artifacts import save_merged, save_trained, write_json
from ..train.data import DataError, read_samples
from ..train.events import emit, say
from ..train.mask import IGNORE, Encoded, encode, verify
from ..train.progress import ProgressCallback
from ..train.trainer import device_and_dtype
from .config import RoundConfig
from .loss import distill_loss, predicting, sampled_reverse_kl
from .pair import load_tokenizers, resolve
from .teacher import score_tokens
from .teacher_prompt import teacher_view


@dataclass
class Episode:
    encoded: Encoded
    positions: list[int]  # trainable token positions (each predicted by the position before)
    teacher: list[float]  # the teacher's logprob of the token at each position
    top_ids: list[int]  # the teacher's own first choice at each position
    top_logprobs: list[float]

    def row(self, values: list[float] | list[int], fill: float | int = 0) -> list:
        """``values`` (one per trainable position) spread over the episode's tokens."""
        row: list = [fill] * len(self.encoded.input_ids)
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        return row


def encode_episodes(tokenizer: Any, config: RoundConfig) -> list[Encoded]:
    encoded: list[Encoded] = []
    for sample in read_samples(config.episodes):
        item = encode(tokenizer, sample, config.max_length)
        if item.trainable == 0:
            say(f"skipped {sample.name}: no trainable token within --max-length {config.max_length}")
            continue
        verify(item)
        encoded.append(item)
    if not encoded:
        raise DataError(f"{config.episodes}: no episode has a trainable token")
    return encoded


def read_teacher_prompt(config: RoundConfig) -> str | None:
    if config.teacher_system_prompt is None:
        return None
    try:
        return Path(config.teacher_system_prompt).read_text(encoding="utf-8")
    except OSError as error:
        raise DataError(f"--teacher-system-prompt: {error}") from None


def score_with_teacher(config: RoundConfig, tokenizer: Any, encoded: list[Encoded]) -> list[Episode]:
    system_prompt = read_teacher_prompt(config)
    episodes: list[Episode] = []
    for index, item in enumerate(encoded, start=1):
        positions = [p for p, label in enumerate(item.labels) if label != IGNORE and p > 0]
        ids, shift = teacher_view(tokenizer, item, system_prompt)
        scores = score_tokens(
            config.teacher_url, config.teacher_model or config.teacher, ids, [p + shift for p in positions]
        )
        episodes.append(
            Episode(
                item,
                positions,
                [s.logprob for s in scores],
                [s.top_id for s in scores],
                [s.top_logprob for s in scores],
            )
        )
        emit("teacher_scored", episodes=index, of=len(encoded))
    return episodes


def load_student(config: RoundConfig, dtype: torch.dtype) -> Any:
    base = AutoModelForCausalLM.from_pretrained(resolve("--student", config.student), dtype=dtype)
    if config.adapter:
        return PeftModel.from_pretrained(base, config.adapter, is_trainable=True)
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=0.0,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(base, lora)


@torch.no_grad()
def student_logprobs(model: Any, episode: Episode) -> torch.Tensor:
    ids = torch.tensor([episode.encoded.input_ids])
    positions = torch.tensor(episode.positions)
    logits = model(input_ids=ids, logits_to_keep=positions - 1).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    return logprobs.gather(-1, ids[0, positions].unsqueeze(-1)).squeeze(-1)


def _turn_spans(item: Encoded) -> list[tuple[int, int]]:
    """Where each trainable assistant message's content starts in the rendered text, and its turn
    number among the assistant messages (the trajectory's step)."""
    spans: list[tuple[int, int]] = []
    turn = -1
    for region in item.regions:
        if region.message.role != "assistant":
            continue
        turn += 1
        if region.message.trainable:
            start = item.text.find(region.message.content, region.train_start, region.end)
            spans.append((turn, start if start >= 0 else region.train_start))
    return spans


def scores_record(tokenizer: Any, episode: Episode, student: torch.Tensor) -> dict[str, Any]:
    """One episode's per-token scores, as columns: for each trainable token its assistant turn, its
    character span within that turn's content, both models' logprobs and the teacher's first choice."""
    item = episode.encoded
    spans = _turn_spans(item)
    turns, starts, ends = [], [], []
    for position in episode.positions:
        s, e = item.offsets[position]
        turn, content_start = max(
            (span for span in spans if span[1] <= s), key=lambda span: span[1], default=(0, 0)
        )
        turns.append(turn)
        starts.append(s - content_start)
        ends.append(e - content_start)
    return {
        "id": item.sample.id,
        "turn": turns,
        "start": starts,
        "end": ends,
        "student": [round(v, 4) for v in student.tolist()],
        "teacher": [round(v, 4) for v in episode.teacher],
        "teacherTop": [tokenizer.decode([t]) for t in episode.top_ids],
        "teacherTopLogprob": [round(v, 4) for v in episode.top_logprobs],
    }


class ReverseKlTrainer(Trainer):
    """One episode per batch; the model projects only the positions that predict a trainable token."""

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):  # noqa: ANN001
        keep = predicting(inputs["labels"])
        outputs = model(
            input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"], logits_to_keep=keep
        )
        loss = distill_loss(
            outputs.logits,
            inputs["labels"],
            inputs["teacher_logprobs"],
            inputs["teacher_top_ids"],
            inputs["teacher_top_logprobs"],
            keep=keep,
        )
        return (loss, outputs) if return_outputs else loss


def collate(rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Right-padded batch; padding is IGNORE in labels, so it carries no loss."""
    width = max(len(r["input_ids"]) for r in rows)

    def pad(key: str, value: float | int, dtype: torch.dtype) -> torch.Tensor:
        return torch.tensor([r[key] + [value] * (width - len(r[key])) for r in rows], dtype=dtype)

    return {
        "input_ids": pad("input_ids", 0, torch.long),
        "attention_mask": pad("attention_mask", 0, torch.long),
        "labels": pad("labels", IGNORE, torch.long),
        "teacher_logprobs": pad("teacher_logprobs", 0.0, torch.float32),
        "teacher_top_ids": pad("teacher_top_ids", 0, torch.long),
        "teacher_top_logprobs": pad("teacher_top_logprobs", 0.0, torch.float32),
    }


def run_round(config: RoundConfig) -> dict[str, Any]:
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizers(config.student, config.teacher)
    encoded = encode_episodes(tokenizer, config)
    episodes = score_with_teacher(config, tokenizer, encoded)

    device, dtype, bf16 = device_and_dtype()
    torch.manual_seed(config.seed)
    model = load_student(config, dtype)
    model.eval()
    before = [student_logprobs(model, episode) for episode in episodes]
    reverse_kl = sampled_reverse_kl(torch.cat(before), torch.tensor([v for e in episodes for v in e.teacher]))
    with (out / "scores.jsonl.partial").open("w") as handle:
        for episode, student in zip(episodes, before, strict=True):
            handle.write(json.dumps(scores_record(tokenizer, episode, student)) + "\n")
    os.replace(out / "scores.jsonl.partial", out / "scores.jsonl")
    tokens = sum(len(e.positions) for e in episodes)
    emit("scored", reverse_kl=round(reverse_kl, 6), episodes=len(episodes), tokens=tokens)

    rows = [
        {
            "input_ids": e.encoded.input_ids,
            "attention_mask": [1] * len(e.encoded.input_ids),
            "labels": e.encoded.labels,
            "teacher_logprobs": e.row(e.teacher),
            "teacher_top_ids": e.row(e.top_ids),
            "teacher_top_logprobs": e.row(e.top_logprobs),
        }
        for e in episodes
    ]
    args = TrainingArguments(
        output_dir=str(out / "trainer"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        learning_rate=config.lr,
        lr_scheduler_type="constant",
        per_device_train_batch_size=1,
        gradient_accumulation_steps=config.grad_accum,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        remove_unused_columns=False,
        include_num_input_tokens_seen="all",
        seed=config.seed,
        bf16=bf16,
        use_cpu=device == "cpu",
        dataloader_num_workers=0,
    )
    model.train()
    trainer = ReverseKlTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(rows),
        data_collator=collate,
        callbacks=[ProgressCallback()],
    )
    trainer.remove_callback(PrinterCallback)
    result = trainer.train()

    save_trained(model.save_pretrained, tokenizer, out / "adapter")
    save_merged(resolve("--student", config.student), out / "adapter", tokenizer, out / "merged")
    metrics = {
        "reverse_kl": reverse_kl,
        "episodes": len(episodes),
        "scored_tokens": tokens,
        "train_loss": result.metrics.get("train_loss"),
        "global_step": trainer.state.global_step,
        "tokens_seen": trainer.state.num_input_tokens_seen,
    }
    write_json(out / "metrics.json", metrics)
    emit("done", adapter=str(out / "adapter"), merged=str(out / "merged"), metrics=metrics)
    return metrics
