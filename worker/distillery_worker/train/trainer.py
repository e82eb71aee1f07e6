"""One SFT run, LoRA or full: read and verify the data, load the base model, train with TRL's
SFTTrainer on pre-tokenised examples (our labels, padding-free length-grouped batches), checkpoint,
and write ``merged/`` (the student's weights: the adapter folded in, or every weight trained),
``adapter/`` (LoRA only), ``config.json`` and ``metrics.json`` into ``--out``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from accelerate import PartialState
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback
from trl import SFTConfig  # pyright: ignore[reportPrivateImportUsage] (trl exports lazily)

from ..weights import ResolvedModel
from .artifacts import save_merged, save_trained, write_json
from .batching import GroupedSFTTrainer
from .config import TrainConfig
from .data import DataError
from .events import emit, say
from .mask import MaskReport, build_examples
from .packed_attention import register as register_packed_attention
from .preflight import Checked, preflight
from .progress import ProgressCallback


class _SdpaPaddingFreeIsTested(logging.Filter):
    """TRL warns that padding-free batches are only known to work with flash attention. With
    transformers' sdpa and eager attention they do too (position_ids restart at each sample and the
    mask follows them; tests/test_padding_free.py), so the warning would only mislead a user."""

    def filter(self, record: logging.LogRecord) -> bool:
        # accelerate's logger prefixes it ("[RANK 0] Padding-free …").
        return "Padding-free training is enabled, but the attention" not in record.getMessage()


logging.getLogger("trl.trainer.sft_trainer").addFilter(_SdpaPaddingFreeIsTested())


def device_and_dtype() -> tuple[str, torch.dtype, bool]:
    """Device, weight dtype and whether to autocast to bf16. CUDA: bf16 weights where supported.
    CPU: fp32 weights with bf16 autocast where the CPU has bf16 instructions (as TRL defaults to;
    about 1.3x the tokens/s of fp32 on an AVX512-BF16 CPU, see bench/README.md)."""
    if torch.cuda.is_available():
        bf16 = torch.cuda.is_bf16_supported()
        return "cuda", torch.bfloat16 if bf16 else torch.float32, bf16
    return "cpu", torch.float32, bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def _sft_config(config: TrainConfig, device: str, bf16: bool) -> SFTConfig:
    assert config.batch_size and config.grad_accum and config.lr  # TrainConfig.__post_init__ fills them
    return SFTConfig(
        output_dir=config.out,
        max_steps=config.max_steps or -1,
        num_train_epochs=config.epochs,
        learning_rate=config.lr,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_steps,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        gradient_checkpointing=config.gradient_checkpointing,
        # Our examples are cut to --max-length when built (mask.build_examples); TRL refuses a
        # max_length with padding-free batches, which it could not enforce.
        max_length=None if config.padding_free else config.max_length,
        packing=False,
        # Padding-free: TRL's collator concatenates the batch into one row with per-sample
        # position_ids; transformers then masks attention to each sample (tests/test_padding_free.py).
        padding_free=config.padding_free,
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        # "non_padding" counts tokens that differ from the pad id, and a tokenizer without a pad token
        # pads with a real one (its EOS); a padding-free batch has no padding, so every token counts.
        include_num_input_tokens_seen="all" if config.padding_free else "non_padding",
        logging_steps=config.logging_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        seed=config.seed,
        bf16=bf16,
        use_cpu=device == "cpu",
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


@dataclass
class Prepared:
    trainer: GroupedSFTTrainer
    tokenizer: Any
    report: MaskReport
    out: Path
    resume_from: Path | None
    base: ResolvedModel


def prepare(config: TrainConfig, checked: Checked | None = None) -> Prepared:
    """Everything up to the first step: data read and mask verified (before any model loads),
    base model (with LoRA unless --finetune full), SFTTrainer, resolved config written."""
    checked = checked or preflight(config)
    out, resume_from, base = checked.out, checked.resume_from, checked.base
    if config.resume and resume_from is None:
        say(f"--resume: no complete checkpoint in {out}; starting from step 0")
    gguf = {"gguf_file": base.gguf_file} if base.gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(base.path, **gguf)
    if not getattr(tokenizer, "is_fast", False) or not tokenizer.chat_template:
        raise DataError(f"--base: {base.path} needs a fast tokenizer with a chat template")
    examples, report = build_examples(tokenizer, checked.samples, config.max_length)
    for name in report.dropped_truncated:
        say(f"dropped {name}: no trainable token within --max-length {config.max_length}")
    if PartialState().is_main_process:
        emit(
            "mask",
            samples=report.samples,
            tokens=report.tokens,
            trainable_tokens=report.trainable,
            trainable_fraction=round(report.trainable_fraction, 4),
            dropped_truncated=len(report.dropped_truncated),
        )
    say(f"{report.samples} samples, {report.tokens} tokens, {report.trainable_fraction:.1%} trainable")

    device, dtype, bf16 = device_and_dtype()
    say(f"base {base.id} on {device} ({dtype}); output in {out}")
    # Padding-free rows: attention per sample instead of masked over the whole row (packed_attention).
    attention = register_packed_attention() if config.padding_free else "sdpa"
    model = AutoModelForCausalLM.from_pretrained(
        base.path, dtype=dtype, attn_implementation=attention, **gguf
    )
    lora = None
    if config.finetune == "lora":
        lora = LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
    args = _sft_config(config, device, bf16)
    args.output_dir = str(out)
    trainer = GroupedSFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(examples),
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[ProgressCallback()],
    )
    trainer.remove_callback(PrinterCallback)
    if trainer.is_world_process_zero():
        assert config.batch_size and config.grad_accum  # TrainConfig.__post_init__ fills both
        out.mkdir(parents=True, exist_ok=True)
        resolved = {
            **config.to_json(),
            "out": str(out),
            "base_path": str(base.path),
            "device": device,
            "dtype": str(dtype),
            "bf16_autocast": bf16,
            "effective_batch": config.batch_size * config.grad_accum,
        }
        write_json(out / "config.json", resolved)
    return Prepared(trainer, tokenizer, report, out, resume_from, base)


def whole_run_loss(log_history: list[dict[str, Any]]) -> float | None:
    """The mean training loss over every logged step, those of earlier invocations included: each
    logged loss weighted by the steps since the one before. (The Trainer's own train_loss divides
    this invocation's loss by all the run's steps: too low after a resume, 0 when only the merge
    was left.)"""
    total = weighted = 0.0
    previous = 0
    for entry in log_history:
        if "loss" in entry and "step" in entry:
            span = entry["step"] - previous
            total, weighted, previous = total + span, weighted + span * entry["loss"], entry["step"]
    return weighted / total if total else None


def train(config: TrainConfig, checked: Checked | None = None) -> dict[str, Any]:
    run = prepare(config, checked)
    trainer, out, report = run.trainer, run.out, run.report
    result = trainer.train(resume_from_checkpoint=str(run.resume_from) if run.resume_from else None)
    metrics = {
        **result.metrics,
        "train_loss": whole_run_loss(trainer.state.log_history),
        "global_step": trainer.state.global_step,
        "tokens_seen": trainer.state.num_input_tokens_seen,
        "samples": report.samples,
        "trainable_fraction": report.trainable_fraction,
        "dropped_truncated": len(report.dropped_truncated),
    }
    adapter, merged = out / "adapter", out / "merged"
    if not trainer.is_world_process_zero():
        return metrics
    if config.finetune == "lora":
        save_trained(trainer.save_model, run.tokenizer, adapter)
        save_merged(run.base.path, adapter, run.tokenizer, merged, run.base.gguf_file)
        write_json(out / "metrics.json", metrics)
        emit(
            "done", adapter=str(adapter), merged=str(merged), config=str(out / "config.json"), metrics=metrics
        )
    else:
        # In the dtype it trained in (fp32 on a CPU), not the base's bf16: at lr 2e-5 most updates
        # are smaller than half a bf16 step of the weight they move, and rounding would undo them.
        save_trained(trainer.save_model, run.tokenizer, merged)
        write_json(out / "metrics.json", metrics)
        emit("done", merged=str(merged), config=str(out / "config.json"), metrics=metrics)
    return metrics
