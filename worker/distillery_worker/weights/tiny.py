"""A tiny random chat model built offline in seconds, for tests and demos of the real server and
trainer: a byte-level BPE tokenizer trained on a few sentences, a ChatML chat template, and a
2-layer Llama with random weights. Its output is gibberish, but real tokens through real code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

_CORPUS = [
    "Thought: I will search for the answer and then compute it with Python.",
    "Observation: the result is 42. final_answer(42) <end_code>",
    "The quick brown fox jumps over the lazy dog. 0123456789 + - * / = ( ) [ ] { } \\boxed{1/2}",
    "What is the capital of France? Paris is the capital of France.",
    "def f(x):\n    return x ** 2\nprint(f(3))",
]


def train_bpe(
    corpus: list[str],
    vocab_size: int,
    special_tokens: list[str],
    bos: str | None,
    eos: str,
    pad: str,
    chat_template: str,
) -> Any:  # a transformers PreTrainedTokenizerFast (imported lazily)
    """A small byte-level BPE tokenizer trained offline on ``corpus``, with a chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(corpus * 4, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, bos_token=bos, eos_token=eos, pad_token=pad)
    tokenizer.chat_template = chat_template
    return tokenizer


def build_tokenizer(vocab_size: int = 320) -> object:
    return train_bpe(_CORPUS, vocab_size, SPECIAL, None, "<|im_end|>", "<|endoftext|>", CHATML)


def build_tiny_model(out_dir: str | Path, seed: int = 0, hidden_size: int = 128) -> Path:
    """Write a tiny random Llama chat model (with tokenizer) to ``out_dir``; returns it."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    out = Path(out_dir)
    tokenizer = build_tokenizer()
    vocab = len(tokenizer)  # type: ignore[arg-type]
    config = LlamaConfig(
        vocab_size=vocab,
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),  # type: ignore[attr-defined]
        pad_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),  # type: ignore[attr-defined]
        bos_token_id=None,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    # Random init is near-uniform; sharpen it so greedy decoding is not all ties and EOS is rare.
    with torch.no_grad():
        model.lm_head.weight.mul_(40.0)
        model.lm_head.weight[config.eos_token_id].zero_()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)  # type: ignore[attr-defined]
    return out
