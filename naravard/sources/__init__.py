"""Outside world → validated frames.

The embedded dataset and its manifest (:mod:`.dataset`), lenient reading of a user's
CSV (:mod:`.csvread`), kommun boundaries (:mod:`.boundaries`). Imports nothing from
the layers above (model, services, views, export, store, ui).
"""
