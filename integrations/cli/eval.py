"""``kbassist eval``: run a gold set through every retrieval configuration and the assistant."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assistant.compose import Services
from evals.gate import check_thresholds, load_thresholds
from evals.pipeline import EvalJob, beir_job, gold_job
from evals.quality import summary_lines
from evals.report import report_dict, write_report
from integrations.cli.progress import progress_bar
from integrations.cli.source_options import pop_source_options, source_options


def _summary(data: dict[str, Any], paths: dict[str, Path]) -> list[str]:
    lines = [f"{data['dataset']}: {data['items']} items"]
    for name, m in data["configs"].items():
        lines.append(
            f"  {name:<10} ndcg@10 {m['ndcg@10'] or 0:.3f}  recall@10 {m['recall@10'] or 0:.3f}"
            f"  mrr@10 {m['mrr@10'] or 0:.3f}  p50 {m['latency_p50_ms'] or 0:.0f} ms"
        )
    answers, abstention = data.get("answers") or {}, data.get("abstention") or {}
    if answers:
        figures = ("token_f1", "rouge_l", "citation_precision", "next_action_accuracy")
        lines.append("  answers    " + "  ".join(f"{k} {_fmt(answers.get(k))}" for k in figures))
    if abstention:
        lines.append(
            "  abstention "
            + "  ".join(f"{k} {_fmt(abstention.get(k))}" for k in ("precision", "recall", "f1"))
        )
    calibration = data.get("calibration")
    if calibration and calibration.get("threshold") != calibration.get("current_threshold"):
        test = calibration["test"]
        lines.append(
            f"  threshold chosen on this set's dev items: {calibration['threshold']:.3f} "
            f"(test precision {_fmt(test['precision'])}, recall {_fmt(test['recall'])}); "
            f"KBASSIST_ABSTAIN_THRESHOLD={calibration['threshold']:.3f} applies it"
        )
    lines += summary_lines(data)
    leaks, failed = data["forbidden_leaks"], len(data["failures"])
    lines.append(f"  forbidden leaks {leaks}, failed items {failed}")
    lines += [f"wrote {path}" for path in paths.values()]
    return lines


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@click.command("eval")
@click.option(
    "--dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A BEIR-style folder (corpus.jsonl, queries.jsonl, qrels.tsv).",
)
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gold set file (YAML or JSONL); needs --kb.",
)
@click.option(
    "--kb",
    "kb_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Knowledge-base files or folders the gold set is asked against (repeatable).",
)
@click.option(
    "--unanswerable-from",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Add another BEIR folder's questions as unanswerable items (abstention calibration).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where report.json, report.md and retrieval.png go (default reports/<dataset>/).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), help="Only the first N questions (of each set)."
)
@click.option(
    "--thresholds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fail (exit 1) when a figure misses its threshold in this YAML file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print report.json's content to stdout.")
@source_options
@click.pass_obj
def eval_command(
    services: Services,
    dataset: Path | None,
    gold: Path | None,
    kb_paths: tuple[Path, ...],
    unanswerable_from: Path | None,
    out_dir: Path | None,
    limit: int | None,
    thresholds: Path | None,
    as_json: bool,
    **per_source: Any,
) -> None:
    """Evaluate retrieval (bm25, dense, hybrid) and the assistant on a gold set.

    The corpus is ingested once into its own store under <data-dir>/evalstores/, found again by
    content hash on later runs. Examples:

    \b
      kbassist eval --dataset ../shared/evaldata/emanual_tv

    \b
      kbassist eval --dataset ../shared/evaldata/emanual_tv \\
        --unanswerable-from ../shared/evaldata/mtrag_cloud_pooled --limit 200

    \b
      kbassist eval --gold evals/gold/sample_kb.yaml --kb examples/kb --json

    \b
      kbassist eval --gold evals/gold/sample_kb.yaml --kb examples/kb \\
        --thresholds evals/gold/sample_kb.thresholds.yaml
    """
    if (dataset is None) == (gold is None):
        raise click.UsageError("give either --dataset FOLDER or --gold FILE with --kb PATH")
    if gold is not None and not kb_paths:
        raise click.UsageError("--gold needs the knowledge base it is asked against: --kb PATH")
    if dataset is not None and kb_paths:
        raise click.UsageError("--kb goes with --gold; a --dataset folder holds its own corpus")
    kb_options = pop_source_options(per_source)
    if kb_options is not None and gold is None:
        raise click.UsageError("per-source options (--base-url, ...) go with --gold and --kb")
    options: dict[str, Any] = {"limit": limit, "unanswerable_from": unanswerable_from}
    with progress_bar("Ingesting eval store") as progress:
        job: EvalJob
        if dataset is not None:
            job = beir_job(services.settings, dataset, progress=progress, **options)
        else:
            assert gold is not None
            job = gold_job(
                services.settings,
                gold,
                kb_paths,
                progress=progress,
                source_options=kb_options,
                **options,
            )
    with click.progressbar(
        length=job.steps, label="Evaluating", file=sys.stderr, show_pos=True
    ) as bar:
        report = job.run(advance=bar.update)
    data = report_dict(report)
    paths = write_report(data, out_dir or Path("reports") / report.dataset)
    click.echo(json.dumps(data, indent=2) if as_json else "\n".join(_summary(data, paths)))
    if thresholds is not None:
        missed = check_thresholds(data, load_thresholds(thresholds))
        if missed:
            raise click.ClickException("below threshold:\n  " + "\n  ".join(missed))


def register(group: click.Group) -> None:
    group.add_command(eval_command)
