"""``detente train``: fine-tune the learned coder on gold sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from . import app
from ._util import Format, FormatOption, err, out, resolve_format


@app.command("train")
def train_cmd(
    gold: Annotated[list[str], typer.Argument(
        help="Gold sets to learn: a name (cameo_class, india_police, case2021, plover_gsr, jsonl), NAME=PATH, "
             "or a .jsonl file of your own. Several train one head each; the first decides in the hybrid.")],
    out_dir: Annotated[str, typer.Option("--out", help="Model directory to write (never inside git).")],
    gold_dir: Annotated[str | None, typer.Option("--gold", help="Gold folder [default: ../shared/gold].")] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Passes over the data (default 5; "
                                                                       "40 with --frozen).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of weights, dropout, data order and splits.")] = 13,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
    max_train: Annotated[int | None, typer.Option("--max-train", min=2,
                                                  help="Train on at most N items (stratified subsample).")] = None,
    holdout: Annotated[float, typer.Option("--holdout", min=0.0, max=0.89,
                                           help="Share held back and scored, not trained on.")] = 0.1,
    frozen: Annotated[bool, typer.Option("--frozen", help="Keep the encoder; train the heads only (fast).")] = False,
    train_layers: Annotated[int | None, typer.Option(
        "--train-layers", min=1, max=6, help="Fine-tune only the top N of the 6 encoder layers (faster).")] = None,
    init: Annotated[str | None, typer.Option(
        "--init", help="Start the encoder from a model trained before (e.g. on cameo_class).")] = None,
    rule_features: Annotated[bool, typer.Option("--rule-features/--no-rule-features",
                                                help="Show the classifier what the rules found.")] = True,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Examples per step.")] = 16,
    threads: Annotated[int, typer.Option("--threads", min=0, help="CPU threads for torch (0: all).")] = 0,
    fmt: FormatOption = None,
) -> None:
    """Fine-tune all-MiniLM-L6-v2 on gold sets and write the model, its labels and scores to --out."""
    from ..learn import TrainOptions, train

    options = TrainOptions(epochs=epochs, seed=seed, device=device, max_train=max_train, holdout=holdout,
                           frozen=frozen, rule_features=rule_features, batch_size=batch_size, threads=threads,
                           train_layers=train_layers, init=init)
    columns = [TextColumn("[bold]{task.description}[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            label = {"rules": "parsing and the rules", "train": "training"}.get(phase, phase)
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        report = train(gold, Path(out_dir), options=options, gold_dir=Path(gold_dir) if gold_dir else None,
                       progress=progress)
    form = resolve_format(fmt)
    if form is Format.table:
        out.print(f"model written to [bold]{report.out}[/bold] ({report.size_bytes / 1e6:.0f} MB) in "
                  f"{report.seconds:.0f} s: {report.examples} training items, {report.held_back} held back")
        for head, scores in report.scores.items():
            figures = ", ".join(f"{k} {v:.3f}" for k, v in scores.items() if k != "n")
            out.print(f"  {head} on the held-back items: {figures}")
    else:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
