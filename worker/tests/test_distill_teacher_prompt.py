"""The teacher's view of a student episode (distill/teacher_prompt.py): the student's tokens behind the
teacher's own system prompt. Checked against the plain encoding of the same episode under that prompt,
with a real byte-level BPE tokenizer and ChatML template (the tiny model's)."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from distillery_worker.distill.teacher_prompt import teacher_view
from distillery_worker.train.data import DataError, Message, Sample
from distillery_worker.train.mask import IGNORE, encode
from distillery_worker.weights.tiny import build_tiny_model

TURNS = [
    Message("user", "What is 6 times 7?", False),
    Message("assistant", "Thought: compute it.\nCode:\n```py\nprint(6 * 7)\n```<end_code>", True),
    Message("user", "Observation: 42", False),
    Message("assistant", "Code:\n```py\nfinal_answer(42)\n```<end_code>", True),
]
TEACHER = "You are an expert assistant who solves tasks with Python.\nThought: … Code: … <end_code>"


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory):
    return AutoTokenizer.from_pretrained(build_tiny_model(tmp_path_factory.mktemp("tiny") / "m", seed=0))


def episode(system: str) -> Sample:
    return Sample(1, "t0", (Message("system", system, False), *TURNS))


def test_the_teacher_reads_the_episode_as_if_it_had_been_given_its_own_prompt(tokenizer) -> None:
    student = encode(tokenizer, episode("Solve with Python."), 4096)
    ids, shift = teacher_view(tokenizer, student, TEACHER)
    assert ids == encode(tokenizer, episode(TEACHER), 4096).input_ids
    assert shift > 0
    trainable = [p for p, label in enumerate(student.labels) if label != IGNORE]
    assert trainable and all(ids[p + shift] == student.input_ids[p] for p in trainable)


def test_without_a_prompt_the_teacher_reads_the_student_s_ids(tokenizer) -> None:
    student = encode(tokenizer, episode("Solve with Python."), 4096)
    assert teacher_view(tokenizer, student, None) == (student.input_ids, 0)


def test_an_episode_without_a_system_message_is_refused(tokenizer) -> None:
    student = encode(tokenizer, Sample(3, "t9", tuple(TURNS)), 4096)
    with pytest.raises(DataError, match="no system message"):
        teacher_view(tokenizer, student, TEACHER)
