"""One on-policy round end to end through its CLI (``python -m distillery_worker.distill``): the
teacher is a tiny random Llama served by the real embedded model server (vLLM), the student
another tiny random Llama with the same tokenizer; the episodes are a hand-written CodeAct
exchange. Checks what the workbench relies on: every student token is scored by the teacher and
mapped back into its assistant turn, the update moves the student towards the teacher (the next
round, continuing from the adapter, finds a smaller reverse KL on the same episodes), a student
that is the teacher finds none, and a student with another tokenizer is refused in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_fixtures import start_server
from worker_env import worker_env

from distillery_worker.weights.tiny import build_tiny_model

EPISODES = [
    [
        {"role": "system", "content": "Solve with Python.", "trainable": False},
        {"role": "user", "content": "What is 6 times 7?", "trainable": False},
        {"role": "assistant", "content": "Thought: compute it.\n```py\nprint(6 * 7)\n```", "trainable": True},
        {"role": "user", "content": "Observation: 42", "trainable": False},
        {"role": "assistant", "content": "```py\nfinal_answer(42)\n```", "trainable": True},
    ],
    [
        {"role": "system", "content": "Solve with Python.", "trainable": False},
        {"role": "user", "content": "What is the capital of France?", "trainable": False},
        {
            "role": "assistant",
            "content": "Thought: Paris.\n```py\nfinal_answer('Paris')\n```",
            "trainable": True,
        },
    ],
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path | str]]:
    root = tmp_path_factory.mktemp("distill-round")
    teacher = build_tiny_model(root / "teacher", seed=0)
    student = build_tiny_model(root / "student", seed=1)
    episodes = root / "episodes.jsonl"
    episodes.write_text(
        "".join(json.dumps({"id": f"t{i}", "messages": m}) + "\n" for i, m in enumerate(EPISODES))
    )
    process, ready = start_server(str(teacher), "--dtype", "float32", "--eager")
    try:
        yield {
            "root": root,
            "teacher": teacher,
            "student": student,
            "episodes": episodes,
            "url": ready["url"].removesuffix("/v1"),
        }
    finally:
        process.kill()
        process.wait(timeout=60)


def distill(setup: dict[str, Path | str], out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "distillery_worker.distill",
        "--episodes", str(setup["episodes"]),
        "--out", str(out),
        "--teacher", str(setup["teacher"]),
        "--teacher-model", Path(setup["teacher"]).name,
        "--teacher-url", str(setup["url"]),
        "--lora-r", "4", "--lora-alpha", "8", "--grad-accum", "1", "--lr", "5e-3", "--epochs", "8",
        *flags,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=worker_env(), timeout=600)


def events(result: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_a_round_scores_every_student_token_and_moves_the_student_to_the_teacher(setup) -> None:
    first_out = Path(setup["root"]) / "round-1"
    first = distill(setup, first_out, "--student", str(setup["student"]))
    assert first.returncode == 0, first.stderr[-3000:]
    kinds = [e["event"] for e in events(first)]
    assert kinds[:3] == ["teacher_scored", "teacher_scored", "scored"] and kinds[-1] == "done"
    assert "step" in kinds
    assert (first_out / "adapter" / "adapter_config.json").is_file()
    assert (first_out / "merged" / "config.json").is_file()

    # Every token of each assistant turn is scored, and its span points into that turn's text.
    scores = [json.loads(line) for line in (first_out / "scores.jsonl").read_text().splitlines()]
    assert [s["id"] for s in scores] == ["t0", "t1"]
    for record, messages in zip(scores, EPISODES, strict=True):
        turns = [m["content"] for m in messages if m["role"] == "assistant"]
        n = len(record["turn"])
        assert all(len(record[key]) == n for key in ("start", "end", "student", "teacher", "teacherTop"))
        for turn, content in enumerate(turns):
            spans = [
                (s, e)
                for t, s, e in zip(record["turn"], record["start"], record["end"], strict=True)
                if t == turn
            ]
            inside = "".join(content[s:e] for s, e in spans if e <= len(content))
            assert inside == content, (turn, spans)
            assert any(s >= len(content) for s, _ in spans)  # the end-of-turn token is learned too
        assert all(v <= 0 for v in record["teacher"] + record["student"])

    before = next(e for e in events(first) if e["event"] == "scored")["reverse_kl"]
    assert before > 0.1  # two random models disagree
    second = distill(
        setup,
        Path(setup["root"]) / "round-2",
        "--student",
        str(setup["student"]),
        "--adapter",
        str(first_out / "adapter"),
    )
    assert second.returncode == 0, second.stderr[-3000:]
    after = next(e for e in events(second) if e["event"] == "scored")["reverse_kl"]
    assert after < 0.5 * before, (before, after)


def test_a_student_that_is_the_teacher_finds_no_disagreement(setup) -> None:
    result = distill(
        setup, Path(setup["root"]) / "same", "--student", str(setup["teacher"]), "--max-steps", "1"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scored = next(e for e in events(result) if e["event"] == "scored")
    # The server computes in its own kernels: equal up to float32 noise.
    assert abs(scored["reverse_kl"]) < 1e-3, scored


def test_a_student_with_another_tokenizer_is_refused_in_one_line(setup, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    other = build_tiny_model(tmp_path / "other", seed=3)
    tokenizer = AutoTokenizer.from_pretrained(other)
    tokenizer.add_tokens(["<|extra|>"])
    tokenizer.save_pretrained(other)
    result = distill(setup, tmp_path / "out", "--student", str(other))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "different tokenizers" in lines[0]
    assert str(setup["teacher"]) in lines[0] and str(other) in lines[0]
    assert not (tmp_path / "out" / "adapter").exists()
