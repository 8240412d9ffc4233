"""A group's dialogue summary as PDF and PPTX: the handout builders fed with the
summary's slides (:func:`naravard.views.dialog.summary_slides`).

The title page carries the group, the date, the data versions and the scenario's name
(:func:`naravard.views.slides.handout_meta`); each theme has a table of its questions
and the group's positions, one slide per answer with its notes, and the figures behind
the theme with their sources and assumptions. Everything the group typed is plain text
to the builders, which escape it (reportlab's markup in the PDF, XML text in the PPTX),
so notes with Markdown or HTML print as written. In the PPTX a long answer continues on
the next slide; the PDF flows it over pages.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from naravard.export.handout.images import ImageExporter
from naravard.export.handout.pdf import build_pdf
from naravard.export.handout.pptx import build_pptx
from naravard.sources.dataset import Dataset
from naravard.store import SavedAnswer
from naravard.views import dialog as view
from naravard.views import slides
from naravard.views.slides import Slide

SUBTITLE = "Gruppens svar på dialogunderlagets frågor, med siffrorna och antagandena bakom dem"


def _meta(ds: Dataset, variant: str, group: str, scenario_name: str, private: bool) -> dict[str, str]:
    return {"Grupp": group, **slides.handout_meta(ds, variant, scenario_name), "Om svaren": view.answers_notice_sv(private)}


def summary_pdf(
    ds: Dataset,
    variant: str,
    group: str,
    answers: Sequence[SavedAnswer],
    evidence_by_theme: Mapping[str, Sequence[Slide]],
    *,
    scenario_name: str = "",
    scenario_names: Mapping[int, str] | None = None,
    images: ImageExporter | None = None,
    private: bool = False,
) -> bytes:
    """The summary as PDF bytes (A4)."""
    deck = view.summary_slides(ds, group, answers, evidence_by_theme, scenario_names=scenario_names, private=private)
    return build_pdf(deck, title=view.summary_title(group), subtitle=SUBTITLE,
                     meta=_meta(ds, variant, group, scenario_name, private), images=images)


def summary_pptx(
    ds: Dataset,
    variant: str,
    group: str,
    answers: Sequence[SavedAnswer],
    evidence_by_theme: Mapping[str, Sequence[Slide]],
    *,
    scenario_name: str = "",
    scenario_names: Mapping[int, str] | None = None,
    images: ImageExporter | None = None,
    private: bool = False,
) -> bytes:
    """The summary as PPTX bytes (16:9); long answers continue over slides."""
    deck = view.summary_slides(ds, group, answers, evidence_by_theme, scenario_names=scenario_names,
                               max_body_chars=view.PPTX_BODY_CHARS, private=private)
    return build_pptx(deck, title=view.summary_title(group), subtitle=SUBTITLE,
                      meta=_meta(ds, variant, group, scenario_name, private), images=images)
