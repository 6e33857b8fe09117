"""``detente eval``: score the coder against gold sets, and keep the evaluation baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import app
from ._util import Format, FormatOption, err, out, resolve_format


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
) -> None:
    """Run the pipeline on a gold set and print scores (and error examples)."""
    from ..evaluate import evaluate, evaluate_all
    from ..evaluate.gate import update_baseline as write_baseline

    gold_path = Path(gold) if gold else None
    columns = [TextColumn("[bold]{task.description}[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        if dataset == "all":
            reports = evaluate_all(gold_dir=gold_path, extractor=extractor, limit=limit, errors=errors,
                                   progress=progress)
        else:
            is_file = gold_path is not None and gold_path.is_file()
            reports = [evaluate(dataset, gold_dir=None if is_file else gold_path, path=gold_path if is_file else None,
                                extractor=extractor, limit=limit, errors=errors,
                                progress=lambda d, t: progress(dataset, d, t))]
    form = resolve_format(fmt)
    if form is Format.table:
        for report in reports:
            out.print(report.render())
    else:
        data = [r.to_dict() for r in reports]
        sys.stdout.write(json.dumps(data if form is Format.json or len(data) > 1 else data[0], indent=2) + "\n")
    if update_baseline:
        write_baseline(reports, Path(update_baseline), allow_lower=allow_lower)
        err.print(f"baseline written to {update_baseline}")
