"""Length-grouped batches: each optimizer step's samples have similar lengths, so dynamic
padding (pad to the longest in the batch) wastes little.

transformers' own ``group_by_length`` sorts within mega-batches of ``min(n // (4 b), 50) × b``
samples, which for small datasets (n < 8 b) is one batch: no grouping at all. Here the
mega-batch is ``min(n, 50 b)`` samples, shuffled between epochs as before."""

from __future__ import annotations

from torch.utils.data import Sampler
from transformers.trainer_pt_utils import get_length_grouped_indices
from trl import SFTTrainer  # pyright: ignore[reportPrivateImportUsage] (trl exports lazily)

MEGABATCH_BATCHES = 50


class LengthGroupedSampler(Sampler[int]):
    def __init__(self, lengths: list[int], batch_size: int) -> None:
        self.lengths = lengths
        self.batch_size = batch_size

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self):
        mult = max(1, min(MEGABATCH_BATCHES, len(self.lengths) // self.batch_size))
        # Uses torch's global RNG, which the Trainer seeds (and restores on resume).
        return iter(get_length_grouped_indices(self.lengths, self.batch_size, mega_batch_mult=mult))


class GroupedSFTTrainer(SFTTrainer):
    """SFTTrainer whose ``group_by_length`` sampling groups small datasets too."""

    def _get_train_sampler(self, train_dataset=None):  # noqa: ANN001 (transformers' signature)
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        if self.args.train_sampling_strategy != "group_by_length" or dataset is None:
            return super()._get_train_sampler(train_dataset)
        lengths = [len(ids) for ids in dataset["input_ids"]]
        step_batch = self.args.train_batch_size * self.args.gradient_accumulation_steps
        return LengthGroupedSampler(lengths, step_batch)


def padding_share(lengths: list[int], order: list[int], batch_size: int) -> float:
    """Share of padding tokens when ``order`` is cut into batches padded to their longest."""
    padded = sum(
        max(lengths[i] for i in order[k : k + batch_size]) * len(order[k : k + batch_size])
        for k in range(0, len(order), batch_size)
    )
    return 1 - sum(lengths) / padded if padded else 0.0
