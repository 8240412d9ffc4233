"""Pure numbers: population, indicators, supply and the scenario model.

No I/O and no Streamlit. Imports only ``naravard.sources`` (for the ``Dataset`` type),
``naravard.errors`` and ``naravard.fmt``.
"""
