"""The closed vocabularies of the embedded tables (age groups, access areas, travel
modes). A leaf of ``sources``: the loader and the CSV reader both use it."""

AGE_GROUPS = ("0-19", "20-64", "65-79", "80+")
ACCESS_AREAS = ("Halland", "Riket", "Kronoberg")
TRAVEL_MODES = ("bil", "cykel", "kollektivtrafik", "gang")
