"""``detente eval``: score the coder against gold sets, and keep the evaluation baseline."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import app
from ._util import Format, FormatOption, SetOption, err, out, parse_sets, resolve_format


@contextmanager
def _bars() -> Iterator[Callable[[str, int, int], None]]:
    """Progress bars on stderr, one per name: yields ``step(name, done, total)``."""
    columns = [TextColumn("[bold]{task.description}[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def step(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        yield step


def _emit(reports: list[Any], fmt: Format | None) -> None:
    """Print the reports: tables on a terminal, else JSON (one object for one report)."""
    form = resolve_format(fmt)
    if form is Format.table:
        for report in reports:
            out.print(report.render())
    else:
        data = [r.to_dict() for r in reports]
        sys.stdout.write(json.dumps(data if form is Format.json or len(data) > 1 else data[0], indent=2) + "\n")


@app.command("eval")
def eval_cmd(
    dataset: Annotated[str, typer.Argument(help="A gold set name (plover_gsr, petr2_gsr, cameo_class, cameo_ner, "
                                                "india_police, case2021, polnear, jsonl) or 'all'.")],
    gold: Annotated[str | None, typer.Option("--gold", help="Gold folder or file [default: ../shared/gold].")] = None,
    extractor: Annotated[str, typer.Option("--extractor", help="Registered extractor.")] = "detente.rules.v1",
    errors: Annotated[int, typer.Option("--errors", min=0, help="Error examples per class.")] = 0,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Score only the first N items.")] = None,
    fmt: FormatOption = None,
    update_baseline: Annotated[str | None, typer.Option(
        "--update-baseline", help="Write the figures to this baseline file (raise only).")] = None,
    allow_lower: Annotated[bool, typer.Option("--allow-lower", help="Let --update-baseline lower figures.")] = False,
    model_dir: Annotated[str | None, typer.Option(
        "--model-dir", help="Learned extractor: a model from 'detente train' (its training items are excluded).")] = None,
    folds: Annotated[int | None, typer.Option(
        "--folds", min=2, help="Learned extractor: K-fold cross-validation (K models, none scores what it saw).")] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Cross-validation: training epochs.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Cross-validation: seed of folds and training.")] = 13,
    max_train: Annotated[int | None, typer.Option(
        "--max-train", min=2, help="Cross-validation: train each fold on at most N items (stratified).")] = None,
    frozen: Annotated[bool, typer.Option("--frozen", help="Cross-validation: train the heads only.")] = False,
    train_layers: Annotated[int | None, typer.Option(
        "--train-layers", min=1, max=6, help="Cross-validation: fine-tune only the top N encoder layers.")] = None,
    init: Annotated[str | None, typer.Option(
        "--init", help="Cross-validation: start each fold's encoder from this trained model.")] = None,
    aux: Annotated[list[str] | None, typer.Option(
        "--aux", help="Cross-validation: another gold set (NAME or NAME=PATH) added to every fold's training.")] = None,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
    sets: SetOption = None,
) -> None:
    """Run the pipeline on a gold set and print scores (and error examples)."""
    from ..evaluate import evaluate, evaluate_all
    from ..registry import extractors

    factory = extractors.get(extractor)
    if model_dir or folds or getattr(factory, "learned", False):
        _eval_learned(dataset, gold, extractor, errors=errors, limit=limit, fmt=fmt, model_dir=model_dir, folds=folds,
                      epochs=epochs, seed=seed, max_train=max_train, frozen=frozen, aux=aux or [], device=device,
                      sets=sets, train_layers=train_layers, init=init)
        return
    from ..evaluate.gate import update_baseline as write_baseline

    gold_path = Path(gold) if gold else None
    with _bars() as progress:
        if dataset == "all":
            reports = evaluate_all(gold_dir=gold_path, extractor=extractor, limit=limit, errors=errors,
                                   progress=progress)
        else:
            is_file = gold_path is not None and gold_path.is_file()
            reports = [evaluate(dataset, gold_dir=None if is_file else gold_path, path=gold_path if is_file else None,
                                extractor=extractor, limit=limit, errors=errors,
                                progress=lambda d, t: progress(dataset, d, t))]
    _emit(reports, fmt)
    if update_baseline:
        write_baseline(reports, Path(update_baseline), allow_lower=allow_lower)
        err.print(f"baseline written to {update_baseline}")


def _eval_learned(dataset: str, gold: str | None, extractor: str, *, errors: int, limit: int | None,
                  fmt: Format | None, model_dir: str | None, folds: int | None, epochs: int | None, seed: int,
                  max_train: int | None, frozen: bool, aux: list[str], device: str, sets: list[str] | None,
                  train_layers: int | None = None, init: str | None = None) -> None:
    """``detente eval`` with a learned extractor: one trained model (--model-dir) or cross-validation."""
    from ..config import load_config
    from ..evaluate import DATASETS, default_gold_dir, evaluate
    from ..learn import TRAINABLE, TrainOptions
    from ..learn._api import learned_evaluation

    settings = load_config(overrides={k: v for k, v in parse_sets(sets).items()}).learn.model_dump()
    gold_path = Path(gold) if gold else None
    is_file = gold_path is not None and gold_path.is_file()
    if dataset == "all":
        base = gold_path or default_gold_dir()
        names = [n for n, spec in DATASETS.items() if base is not None and (base / spec.path).exists()
                 and (not folds or n in TRAINABLE)]
    else:
        names = [dataset]
    options = TrainOptions(epochs=epochs, seed=seed, max_train=max_train, frozen=frozen, device=device,
                           train_layers=train_layers, init=init,
                           threads=int(settings.get("threads", 0)), holdout=0.0)
    reports = []
    with _bars() as step:
        for name in names:
            def progress(phase: str, done: int, total: int, name: str = name) -> None:
                step(f"{name}: {phase}", done, total)

            plan = learned_evaluation(extractor, name, model_dir=model_dir, folds=folds, options=options,
                                      settings=settings, aux=aux, gold_dir=None if is_file else gold_path,
                                      progress=progress)
            report = evaluate(name, gold_dir=None if is_file else gold_path, path=gold_path if is_file else None,
                              code=plan.code, limit=limit, errors=errors, exclude=plan.exclude,
                              exclude_reason=plan.reason)
            if plan.cv is not None:
                report.counts["folds"] = len(plan.cv.info.get("folds", []))
                report.counts["train_seconds"] = int(plan.cv.info.get("seconds", 0))
                err.print(f"{name}: {report.counts['folds']}-fold cross-validation, "
                          f"{report.counts['train_seconds']} s training and coding")
            elif report.counts.get("excluded"):
                err.print(f"{name}: {report.counts['excluded']} items left out: {plan.reason}")
            reports.append(report)
    _emit(reports, fmt)
