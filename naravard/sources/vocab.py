"""The closed vocabularies of the embedded tables (age groups, travel modes). A leaf of
``sources``: the loader and the CSV reader both use it.

Nothing here names a region: the areas the access indicators compare (the region and
its comparisons) come from the manifest (``Region.access_areas``). ``NATIONAL_AREA`` is
the nation's row in Kolada's tables, the same for every region.
"""

AGE_GROUPS = ("0-19", "20-64", "65-79", "80+")
NATIONAL_AREA = "Riket"
TRAVEL_MODES = ("bil", "cykel", "kollektivtrafik", "gang")
