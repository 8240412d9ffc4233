"""Handout speed (issue 13): a 10-slide PPTX with a warm image exporter (target < 5 s)
and the PDF of the same slides (target < 5 s).

The 10 slides: the headline figures, the kommun table, the 80+ chart, the scenario's
figures and its table, two maps (with the embedded kommun boundaries), two access
trends and the dialogue questions of one theme: six chart images. The exporter is
started and warmed with one image first (a cold browser start is reported on its own);
each handout is then built ``runs`` times from the slides (slides built once, as the
app builds them once per presentation) and the median and max are reported. A third
line times building the 10 slides themselves.

    .venv/bin/python bench/handout_bench.py [--runs 3] [--out artifacts/handout_bench.json]

Needs Debian's chromium (``/usr/bin/chromium`` or ``BROWSER_PATH``); without it the
PPTX and PDF are timed with tables only and the report says so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IDS = [
    "oversikt", "kommuner", "aldre80", "sc-tal", "sc-kommun",
    "karta-invanare-per-vc", "karta-andel80", "tg-n79179", "tg-u71451", "dialog-aldre",
]
TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    from naravard.export.handout.images import ImageExporter
    from naravard.export.handout.pdf import build_pdf
    from naravard.export.handout.pptx import build_pptx
    from naravard.model import scenario
    from naravard.sources.boundaries import resolve_boundaries
    from naravard.sources.dataset import load_dataset
    from naravard.views import slides

    ds = load_dataset()
    inputs = scenario.ModelInputs.from_dataset(ds)
    gdf = resolve_boundaries(ds.region.lanskod).gdf
    specs = slides.catalogue(ds, inputs.default_forecast, None, inputs, scenario_name="Standard", boundaries=gdf)
    t = time.perf_counter()
    deck = slides.build(specs, IDS)
    build_s = time.perf_counter() - t
    assert len(deck) == 10, [s.id for s in deck]
    meta = {"Datum": time.strftime("%Y-%m-%d"), "Scenario": "Standard"}

    exporter = ImageExporter()
    t = time.perf_counter()
    ok, reason = exporter.available()
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    exporter.png({"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}, 400, 300)
    warm_one_s = time.perf_counter() - t

    def timed(fn) -> tuple[list[float], int]:
        samples, size = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            size = len(fn())
            samples.append(time.perf_counter() - t0)
        return samples, size

    try:
        pptx_s, pptx_bytes = timed(lambda: build_pptx(deck, title="Primärvården – HSU", meta=meta, images=exporter))
        pdf_s, pdf_bytes = timed(lambda: build_pdf(deck, title="Primärvården – HSU", meta=meta, images=exporter))
    finally:
        exporter.close()

    rows = [
        ("10 slides built (views)", [build_s], None),
        ("browser start (cold, once)", [cold_s], None),
        ("first image after the start", [warm_one_s], None),
        ("PPTX, 10 slides, warm exporter", pptx_s, TARGET_S),
        ("PDF, same 10 slides", pdf_s, TARGET_S),
    ]
    print(f"images: {'yes' if ok else 'NO – ' + reason}")
    print("| metric | median s | max s | target | met? |")
    print("|---|---|---|---|---|")
    result = {"images": ok, "reason": reason, "runs": args.runs, "pptx_bytes": pptx_bytes, "pdf_bytes": pdf_bytes, "metrics": {}}
    for name, samples, target in rows:
        med, mx = statistics.median(samples), max(samples)
        met = "" if target is None else ("yes" if mx < target else "**NO**")
        print(f"| {name} | {med:.2f} | {mx:.2f} | {'' if target is None else f'< {target:g}'} | {met} |")
        result["metrics"][name] = {"samples": samples, "median": med, "max": mx, "target": target}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
