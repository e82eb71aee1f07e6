"""SFT trainer: LoRA (or full fine-tuning) on assistant turns only, with the loss mask verified
before training.

    python -m distillery_worker.train --data FILE.jsonl --out DIR [--base student] [--max-steps N]
        [--epochs 2] [--finetune lora|full] [--lr 2e-4 LoRA / 2e-5 full]
        [--lora-r 64] [--lora-alpha 128] [--lora-dropout 0.05]
        [--batch-size B] [--grad-accum G] [--max-length 10240] [--resume] …   (--help for all)

Pipeline: ``preflight`` (data file, base model name, output dir; no ML imports, so bad input
exits 2 at once) → ``data`` (the export format, docs/ARCHITECTURE.md §6.6) → ``mask`` (labels by message
boundary under the base model's chat template, then verified) → ``trainer`` (TRL SFTTrainer +
PEFT LoRA on all linear layers, or every weight; our labels, dynamic padding, ``batching``: length-grouped
batches) with ``progress``/``events`` (JSON lines on stdout, human logs on stderr) and
``config`` (flags = keys of the resolved config.json).

Outputs in --out: ``checkpoint-N/`` (every --save-steps), ``config.json`` (resolved config),
``adapter/`` (PEFT adapter + tokenizer; LoRA only), ``merged/`` (the student's weights: the adapter
folded into the base, or every weight after --finetune full), each renamed into place when
complete, ``metrics.json``.
``--resume`` continues from the newest complete checkpoint (one killed mid-save is skipped);
without it, an --out holding checkpoints is refused rather than overwritten.

Truncation keeps the start of each sample. A sample whose trainable tokens all fall beyond
--max-length is dropped, named on stderr and counted (``dropped_truncated`` in the mask event);
a turn cut part-way keeps its kept tokens. A sample with no trainable token at all, or any
trainable token outside an assistant turn, is an error (exit 2) naming the line and id.

Multi-GPU (one machine, N GPUs), with the shipped accelerate configs:
    accelerate launch --config_file worker/distillery_worker/train/configs/fsdp.yaml \\
        --num_processes N -m distillery_worker.train --data … --out …
    (or configs/deepspeed_zero2.yaml; needs `pip install deepspeed` on that machine)
The effective batch is then batch-size × grad-accum × N.

TRL, PEFT and transformers are imported only inside this subpackage.
"""
