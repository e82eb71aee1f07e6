"""What the teacher reads when it scores a student episode: the episode with the teacher's own system
prompt in place of the student's.

A student is trained and acts under a short system prompt (server/agent/prompts/student.md); the
teacher made its trajectories under a long one with the CodeAct format and examples (teacher.md).
Asked under the student's prompt, the teacher doubts the very tokens that make an action parseable
(`Code:` −3.7 nats, `<end_code>` −4 to −5 on cpu-opd-arith, README), and a reverse-KL update on those
scores took them from the student within one round. So the teacher scores the student's tokens, and
the same tokens after them, behind the system block it knows: its ids are the teacher's system block
followed by the student's ids from the end of the student's system block on, and each scored
position moves by the difference in length."""

from __future__ import annotations

from typing import Any

from ..train.data import DataError
from ..train.mask import Encoded


def teacher_view(tokenizer: Any, item: Encoded, system_prompt: str | None) -> tuple[list[int], int]:
    """The ids the teacher scores and how far a student position moves in them (0 without a prompt)."""
    if system_prompt is None:
        return item.input_ids, 0
    first = item.regions[0] if item.regions else None
    if first is None or first.message.role != "system":
        raise DataError(f"{item.sample.name}: no system message to put the teacher's prompt in place of")
    split = sum(1 for _, end in item.offsets if end <= first.end)
    student_block = tokenizer(item.text[: first.end], add_special_tokens=False)["input_ids"]
    if list(student_block) != item.input_ids[:split]:
        raise DataError(
            f"{item.sample.name}: the chat template's system block does not tokenize on its own, so the "
            "teacher's prompt cannot be put in its place"
        )
    block = tokenizer.apply_chat_template(
        [{"role": "system", "content": system_prompt}], tokenize=False, add_generation_prompt=False
    )
    teacher_block = list(tokenizer(block, add_special_tokens=False)["input_ids"])
    return teacher_block + item.input_ids[split:], len(teacher_block) - split
