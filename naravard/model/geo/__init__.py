"""Geography: distance to care, coverage, catchments, what-if changes and suggested sites.

Pure functions over the demand, supply and cost frames of
:mod:`naravard.sources.geoframes` (pysal-access style role prefixes). No I/O, no
Streamlit. Distances are straight-line kilometres in SWEREF 99 TM unless a detour
factor or an imported cost matrix says otherwise.
"""
