"""Settings for the whole test run.

Figures are built without plotly's property validation in the app (it costs more
than the rest of a chart; see naravard.figures.figure). The tests switch it on, so
every chart the pages and views build in a test is checked property by property.
Set before any test module imports naravard; inherited by the app servers that the
browser tests start.
"""

import os

os.environ["NARAVARD_VALIDATE_FIGURES"] = "1"
