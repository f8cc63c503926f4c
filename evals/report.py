"""Writing an ``EvalReport``: ``report.json``, ``report.md``, ``retrieval.png`` and
``reliability.png``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.quality import QUALITY_SPLIT
from evals.runner import RETRIEVAL_METRICS, EvalReport

JSON_FILE, MARKDOWN_FILE, CHART_FILE = "report.json", "report.md", "retrieval.png"
RELIABILITY_FILE = "reliability.png"
CHART_METRICS = (("ndcg@10", "nDCG@10"), ("recall@10", "Recall@10"), ("mrr@10", "MRR@10"))
MD_FAILURES = 100  # failed questions listed in report.md (all of them are in report.json)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def report_dict(report: EvalReport) -> dict[str, Any]:
    """The content of ``report.json`` (floats rounded to 4 places)."""
    data: dict[str, Any] = {
        "dataset": report.dataset,
        "items": report.items,
        "forbidden_leaks": report.forbidden_leaks,
        "configs": report.configs,
        "answers": report.answers,
        "abstention": report.abstention,
        "calibration": report.calibration,
        "answer_quality": report.answer_quality,
        "reliability": report.reliability,
        "failures": [asdict(f) for f in report.failures],
        "settings": report.settings,
        "predictions": [asdict(p) for p in report.predictions],
    }
    rounded: dict[str, Any] = _round(data)
    return rounded


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _metric_rows(metrics: dict[str, Any]) -> list[list[str]]:
    return [[key, _cell(value)] for key, value in metrics.items()]


def render_markdown(data: dict[str, Any]) -> str:
    """``report.md`` from the content of ``report.json``."""
    settings = data.get("settings", {})
    lines = [
        f"# Evaluation: {data['dataset']}",
        "",
        f"{data['items']} items; top {settings.get('k', 10)}; document-level metrics, "
        "macro-averaged over items with a relevant document. "
        f"Items leaking a forbidden document: **{data['forbidden_leaks']}**.",
        "",
        "## Retrieval",
        "",
    ]
    columns = [
        *RETRIEVAL_METRICS,
        "forbidden_leaks",
        "docs_per_query",
        "latency_p50_ms",
        "latency_p95_ms",
    ]
    rows = [
        [name, *(_cell(metrics.get(c)) for c in columns)]
        for name, metrics in data["configs"].items()
    ]
    lines += _table(["config", *columns], rows)
    default = settings.get("default_config", "hybrid")
    if data.get("answers"):
        lines += ["", f"## Answers ({default} retrieval, full assistant)", ""]
        lines += _table(["metric", "value"], _metric_rows(data["answers"]))
    if data.get("abstention"):
        lines += ["", "## Abstention (abstaining is the positive class)", ""]
        lines += _table(["metric", "value"], _metric_rows(data["abstention"]))
    lines += _calibration(data.get("calibration"))
    lines += _quality(data.get("answer_quality"), data.get("reliability") or [])
    lines += _failures(data.get("failures", []))
    return "\n".join(lines) + "\n"


def _calibration(calibration: dict[str, Any] | None) -> list[str]:
    if not calibration:
        return []
    lines = [
        "",
        "## Abstention threshold (chosen on dev, reported on test)",
        "",
        f"Chosen threshold **{_cell(calibration['threshold'])}** "
        f"({calibration['dev_items']} dev items, {calibration['test_items']} test items); "
        f"current threshold {_cell(calibration.get('current_threshold'))}.",
        "",
    ]
    rows = [["dev, chosen", calibration["dev"]], ["test, chosen", calibration["test"]]]
    if calibration.get("test_at_current"):
        rows.append(["test, current", calibration["test_at_current"]])
    keys = ["precision", "recall", "f1", "tp", "fp", "fn", "tn"]
    lines += _table(["", *keys], [[label, *(_cell(s[k]) for k in keys)] for label, s in rows])
    return lines


def _quality(quality: dict[str, Any] | None, bins: list[dict[str, Any]]) -> list[str]:
    if not quality:
        return []
    lines = ["", f"## Answer quality ({QUALITY_SPLIT} items, full assistant)", ""]
    lines += _table(["metric", "value"], _metric_rows(quality))
    if bins:
        lines += ["", f"Reliability ({RELIABILITY_FILE}): confidence against correctness.", ""]
        rows = [
            [
                f"{_cell(b['lower'])}-{_cell(b['upper'])}",
                str(b["count"]),
                _cell(b["confidence"]),
                _cell(b["accuracy"]),
            ]
            for b in bins
        ]
        lines += _table(["confidence bin", "items", "mean confidence", "correct"], rows)
    return lines


def _failures(failures: list[dict[str, Any]]) -> list[str]:
    lines = ["", f"## Failed questions ({len(failures)})", ""]
    if not failures:
        return [*lines, "None."]
    rows = [
        [
            f["item_id"],
            f["question"].replace("|", "\\|").replace("\n", " ")[:160],
            "; ".join(f["problems"]).replace("|", "\\|"),
            ", ".join(f["relevant"]),
            ", ".join(f["retrieved"]),
        ]
        for f in failures[:MD_FAILURES]
    ]
    lines += _table(["id", "question", "what went wrong", "relevant", "retrieved (top 5)"], rows)
    if len(failures) > MD_FAILURES:
        lines += ["", f"... and {len(failures) - MD_FAILURES} more in report.json."]
    return lines


def plot_retrieval(data: dict[str, Any], path: Path) -> None:
    """A grouped bar chart: nDCG@10, Recall@10 and MRR@10 for each configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(data["configs"])
    width = 0.8 / len(CHART_METRICS)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(names) + 2), 4.5), dpi=120)
    for n, (key, label) in enumerate(CHART_METRICS):
        values = [data["configs"][name].get(key) or 0.0 for name in names]
        xs = [i + (n - (len(CHART_METRICS) - 1) / 2) * width for i in range(len(names))]
        bars = ax.bar(xs, values, width, label=label)
        ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("score (document level)")
    ax.set_title(f"Retrieval on {data['dataset']} ({data['items']} items)")
    ax.legend(loc="upper left", ncols=len(CHART_METRICS), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_reliability(data: dict[str, Any], path: Path) -> None:
    """A reliability diagram: the share of correct suggestions per confidence bin against the
    diagonal of perfect calibration, with the number of suggestions in each bin."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = data.get("reliability") or []
    ece = (data.get("answer_quality") or {}).get("ece")
    fig, ax = plt.subplots(figsize=(5.5, 5.0), dpi=120)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    if bins:
        width = bins[0]["upper"] - bins[0]["lower"]
        bars = ax.bar(
            [b["lower"] for b in bins],
            [b["accuracy"] for b in bins],
            width,
            align="edge",
            edgecolor="black",
            alpha=0.7,
            label="share correct",
        )
        ax.bar_label(bars, labels=[f"n={b['count']}" for b in bins], fontsize=7, padding=2)
        ax.plot(
            [b["confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            color="black",
            label="mean confidence of the bin",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share of suggestions correct")
    shown = "n/a" if ece is None else f"{ece:.3f}"
    ax.set_title(f"Reliability on {data['dataset']} ({QUALITY_SPLIT} items), ECE {shown}")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(data: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write the files of a report (``report_dict``'s form) into ``out_dir`` (created if
    needed); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / JSON_FILE,
        "markdown": out_dir / MARKDOWN_FILE,
        "chart": out_dir / CHART_FILE,
        "reliability": out_dir / RELIABILITY_FILE,
    }
    paths["json"].write_text(json.dumps(data, indent=2) + "\n")
    paths["markdown"].write_text(render_markdown(data))
    plot_retrieval(data, paths["chart"])
    plot_reliability(data, paths["reliability"])
    return paths
