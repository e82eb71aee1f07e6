"""Trainer callback that turns Trainer logs and saves into ``step`` / ``checkpoint`` events."""

from __future__ import annotations

import math
import time
from typing import Any

from transformers import TrainerCallback

from .events import emit


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else float(value)


class ProgressCallback(TrainerCallback):
    """Turns Trainer logs into ``step`` events, with real (non-padding) tokens per second."""

    def __init__(self) -> None:
        self._last_time = 0.0
        self._last_tokens = 0

    def on_train_begin(self, args, state, control, **kwargs):  # noqa: ANN001
        self._last_time = time.perf_counter()
        self._last_tokens = state.num_input_tokens_seen

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: ANN001
        if not state.is_world_process_zero or not logs or "loss" not in logs:
            return
        now = time.perf_counter()
        tokens = state.num_input_tokens_seen - self._last_tokens
        elapsed = max(now - self._last_time, 1e-9)
        self._last_time, self._last_tokens = now, state.num_input_tokens_seen
        emit(
            "step",
            step=state.global_step,
            max_steps=state.max_steps,
            epoch=_number(state.epoch),
            loss=_number(logs.get("loss")),
            lr=_number(logs.get("learning_rate")),
            grad_norm=_number(logs.get("grad_norm")),
            tokens_per_s=round(tokens / elapsed, 2),
        )

    def on_save(self, args, state, control, **kwargs):  # noqa: ANN001
        if state.is_world_process_zero:
            path = f"{args.output_dir}/checkpoint-{state.global_step}"
            emit("checkpoint", step=state.global_step, path=path)
