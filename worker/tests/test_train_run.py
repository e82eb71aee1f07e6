"""The trainer end to end on a tiny random Llama (CPU, seconds): weights move, JSON-lines events,
kill -9 and resume, exit code 2 on bad input, and the shipped accelerate configs load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from train_fixtures import agent_record, write_jsonl
from worker_env import WORKER, worker_env

from distillery_worker.train.config import TrainConfig, parse_config
from distillery_worker.train.trainer import prepare
from distillery_worker.weights.tiny import build_tiny_model

CONFIGS = WORKER / "distillery_worker" / "train" / "configs"
SMALL = [
    "--lora-r",
    "4",
    "--lora-alpha",
    "8",
    "--batch-size",
    "2",
    "--grad-accum",
    "1",
    "--max-length",
    "256",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    records = [agent_record(i, observation_repeat=1 + i % 5) for i in range(16)]
    return write_jsonl(tmp_path_factory.mktemp("data") / "sft.jsonl", records)


def cli(*args: str) -> subprocess.Popen:
    env = worker_env(TOKENIZERS_PARALLELISM="false")
    return subprocess.Popen(
        [sys.executable, "-m", "distillery_worker.train", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]  # every stdout line is an event


def test_three_steps_move_the_lora_weights(tiny, data, tmp_path):
    config = TrainConfig(
        data=str(data),
        out=str(tmp_path / "run"),
        base=str(tiny),
        max_steps=3,
        lora_r=4,
        lora_alpha=8,
        batch_size=2,
        grad_accum=1,
        max_length=256,
    )
    run = prepare(config)
    assert run.trainer.model is not None
    lora = {n: p.detach().clone() for n, p in run.trainer.model.named_parameters() if "lora_" in n}
    frozen = {n: p.detach().clone() for n, p in run.trainer.model.named_parameters() if "lora_" not in n}
    assert lora and all("lora_" in n for n, p in run.trainer.model.named_parameters() if p.requires_grad)
    run.trainer.train()
    after = dict(run.trainer.model.named_parameters())
    assert run.trainer.state.global_step == 3
    # Every LoRA B matrix starts at zero and must have moved; the base model must not.
    for name, before in lora.items():
        if "lora_B" in name:
            assert not torch.equal(before, after[name].detach()), name
    assert all(torch.equal(before, after[n].detach()) for n, before in frozen.items())


def test_full_finetune_moves_every_weight_and_writes_the_student_alone(tiny, data, tmp_path):
    from distillery_worker.train.trainer import train

    out = tmp_path / "full"
    config = TrainConfig(
        data=str(data), out=str(out), base=str(tiny), finetune="full", max_steps=2, batch_size=2, grad_accum=1
    )
    assert config.lr == 2e-5  # full fine-tuning's own default, not LoRA's 2e-4
    run = prepare(config)
    model = run.trainer.model
    assert model is not None and not any("lora_" in n for n, _ in model.named_parameters())
    assert all(p.requires_grad for p in model.parameters())
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    metrics = train(config)
    assert metrics["global_step"] == 2
    # Written: the student's weights (merged/, loadable, in the dtype they trained in), no adapter.
    assert not (out / "adapter").exists() and (out / "merged" / "config.json").is_file()
    from transformers import AutoModelForCausalLM

    trained = AutoModelForCausalLM.from_pretrained(out / "merged", dtype="auto")
    assert trained.dtype == next(iter(before.values())).dtype
    moved = [n for n, p in trained.named_parameters() if not torch.equal(p.detach(), before[n])]
    assert any("mlp" in n for n in moved) and any("attn" in n for n in moved), moved


def test_cli_events_kill_and_resume(tiny, data, tmp_path):
    out = tmp_path / "run"
    args = [
        "--data",
        str(data),
        "--base",
        str(tiny),
        "--out",
        str(out),
        "--max-steps",
        "8",
        "--save-steps",
        "2",
        "--save-total-limit",
        "3",
        *SMALL,
    ]
    proc = cli(*args)
    assert proc.stdout is not None
    first: list[dict] = []
    for line in proc.stdout:  # kill -9 right after the first checkpoint lands
        first.append(json.loads(line))
        if first[-1]["event"] == "checkpoint":
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL and not (out / "adapter").exists()
    assert [e["event"] for e in first] == ["mask", "step", "step", "checkpoint"]
    assert first[0]["samples"] == 16 and 0 < first[0]["trainable_fraction"] < 1
    assert [e["step"] for e in first[1:3]] == [1, 2] and first[3]["path"] == str(out / "checkpoint-2")
    assert all(e["loss"] > 0 and e["lr"] > 0 and e["tokens_per_s"] > 0 for e in first[1:3])

    refused = cli(*args)  # without --resume an output dir with checkpoints is not overwritten
    _, stderr = refused.communicate(timeout=60)
    assert refused.returncode == 2 and "--resume" in stderr

    resumed = cli(*args, "--resume")
    stdout, stderr = resumed.communicate(timeout=240)
    assert resumed.returncode == 0, stderr
    got = events(stdout)
    steps = [e["step"] for e in got if e["event"] == "step"]
    assert steps == list(range(steps[0], 9)) and steps[0] > 2  # continued from a checkpoint, not step 0
    assert [e["step"] for e in got if e["event"] == "checkpoint"][-1] == 8
    done = got[-1]
    assert done["event"] == "done" and done["metrics"]["global_step"] == 8
    # The run's loss covers all eight steps, not only those this invocation trained.
    losses = {e["step"]: e["loss"] for e in first + got if e["event"] == "step"}
    assert sorted(losses) == list(range(1, 9))
    assert done["metrics"]["train_loss"] == pytest.approx(sum(losses.values()) / 8, rel=1e-3)
    assert done["adapter"] == str(out / "adapter")
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    # The merged student (what the embedded server serves) answers as base + adapter does.
    merged_config = json.loads((out / "merged" / "config.json").read_text())
    assert merged_config["dtype"] == json.loads((tiny / "config.json").read_text())["dtype"]
    assert_merged_matches_adapter(tiny, out)
    config = json.loads((out / "config.json").read_text())
    assert config["lora_r"] == 4 and config["lr"] == 2e-4 and config["effective_batch"] == 2
    assert json.loads((out / "metrics.json").read_text())["global_step"] == 8


def assert_merged_matches_adapter(base: Path, out: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    ids = torch.tensor([[5, 17, 42, 99, 7, 3]])
    with torch.no_grad():
        tuned = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), str(out / "adapter"))
        merged = AutoModelForCausalLM.from_pretrained(out / "merged")
        plain = AutoModelForCausalLM.from_pretrained(base)
        want, got = tuned(input_ids=ids).logits, merged(input_ids=ids).logits
        assert not torch.allclose(plain(input_ids=ids).logits, want, atol=1e-4), "the adapter changed nothing"
        assert torch.allclose(got, want, atol=1e-4)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{oops", "sft.jsonl:3: not valid JSON"),
        (
            '{"messages": [{"role": "user", "content": "x", "trainable": true}]}',
            "sft.jsonl:3: messages[0] is a trainable user message",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_line(tiny, tmp_path, line, expected):
    data = tmp_path / "sft.jsonl"
    data.write_text(json.dumps(agent_record(0)) + "\n" + json.dumps(agent_record(1)) + "\n" + line + "\n")
    proc = cli("--data", str(data), "--base", str(tiny), "--out", str(tmp_path / "run"), *SMALL)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert expected in stderr and "Traceback" not in stderr
    assert events(stdout) == [{"event": "error", "message": stderr.strip().removeprefix("error: ")}]
    assert not (tmp_path / "run").exists()


def test_unknown_base_model_exits_2(data, tmp_path):
    proc = cli("--data", str(data), "--base", "no-such-model", "--out", str(tmp_path / "run"))
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "--base: unknown model 'no-such-model'" in stderr


@pytest.mark.parametrize(("name", "kind"), [("fsdp.yaml", "FSDP"), ("deepspeed_zero2.yaml", "DEEPSPEED")])
def test_shipped_accelerate_configs_load(name, kind):
    from accelerate.commands.config.config_args import ClusterConfig, load_config_from_file

    config = load_config_from_file(str(CONFIGS / name))
    assert isinstance(config, ClusterConfig)  # not a SageMaker one
    assert config.fsdp_config is not None and config.deepspeed_config is not None  # {} when absent
    assert config.distributed_type.value == kind and config.mixed_precision == "bf16"
    if kind == "FSDP":
        assert config.fsdp_config["fsdp_version"] == 2
    else:
        assert config.deepspeed_config["zero_stage"] == 2


def test_flags_are_the_config_with_paper_defaults():
    config = parse_config(["--data", "d.jsonl", "--out", "o"])
    assert (config.lora_r, config.lora_alpha, config.lora_dropout, config.lr) == (64, 128, 0.05, 2e-4)
    assert (config.epochs, config.max_length, config.base, config.max_steps) == (2.0, 10240, "student", None)
    assert config.batch_size and config.grad_accum  # __post_init__ fills both
    assert config.batch_size * config.grad_accum == 8
    assert parse_config(["--data", "d", "--out", "o", "--batch-size", "8"]).grad_accum == 1
    assert parse_config(["--data", "d", "--out", "o", "--grad-accum", "2"]).batch_size == 4
    assert parse_config(["--data", "d", "--out", "o", "--no-group-by-length"]).group_by_length is False
    no_checkpointing = parse_config(["--data", "d", "--out", "o", "--no-gradient-checkpointing"])
    assert no_checkpointing.gradient_checkpointing is False
    assert config.finetune == "lora"
    assert parse_config(["--data", "d", "--out", "o", "--finetune", "full"]).lr == 2e-5
    assert parse_config(["--data", "d", "--out", "o", "--finetune", "full", "--lr", "1e-4"]).lr == 1e-4


def test_bad_flag_values_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_config(["--data", "d", "--out", "o", "--batch-size", "0"])
    assert exit_info.value.code == 2 and "--batch-size must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        parse_config(["--data", "d", "--out", "o", "--finetune", "half"])
    assert exit_info.value.code == 2 and "invalid choice: 'half'" in capsys.readouterr().err


def test_length_grouping_cuts_padding_even_on_small_datasets():
    from distillery_worker.train.batching import LengthGroupedSampler, padding_share

    torch.manual_seed(0)
    lengths = [213, 919, 334, 784, 364, 449, 724, 469, 819, 569, 615, 571]
    order = list(LengthGroupedSampler(lengths, batch_size=2))
    assert sorted(order) == list(range(len(lengths)))
    grouped = padding_share(lengths, order, 2)
    assert grouped == padding_share(lengths, sorted(range(12), key=lambda i: -lengths[i]), 2)
    assert grouped < 0.5 * padding_share(lengths, list(range(12)), 2)
