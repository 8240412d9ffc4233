"""Handouts of a presentation: the slides of :mod:`naravard.views.slides` as PPTX
(:mod:`.pptx`) and PDF (:mod:`.pdf`), charts as PNG through one kept-open browser
(:mod:`.images`)."""
