"""What a person sees of importing and of a wrong address, in the real app in Chromium.

- An address that names no page shows a Swedish page (no English "Page not found").
- The uploader on Ladda data offers CSV, TXT, TSV and XLSX with a 5 MB limit, and a
  workbook saved as a planner would is accepted (the file goes through the browser's
  real upload).
"""

from __future__ import annotations

import pytest

from naravard import ui

pytestmark = pytest.mark.browser


def test_unknown_address_shows_a_swedish_page(app):
    app.open("finns-inte")
    app.wait_for_text("Sidan finns inte")
    text = app.text()
    app.screenshot("okand-adress", full_page=False)
    assert "Page not found" not in text and "pages/ directory" not in text, text[:400]
    assert "Det finns ingen sida som heter ”finns-inte”" in text
    main = app.text('[data-testid="stMain"]')
    for p in ui.PAGES:
        assert p.title in main, p.title  # a link to every page
    assert app.exceptions() == []


def test_uploader_offers_what_is_read_and_accepts_a_workbook(app, tmp_path):
    from naravard.services.importing import current_frame
    from naravard.sources.dataset import load_dataset
    from tests import xlsxfiles

    app.open("ladda_data")
    app.wait_for_text("Ladda in egna data")
    zone = app.text('[data-testid="stFileUploaderDropzoneInstructions"]')
    assert "5MB" in zone.replace(" ", "") and "XLSX" in zone and "XLS," not in zone + ",", zone
    assert "20MB" not in zone.replace(" ", "")

    frame = current_frame(load_dataset(), "befolkning")
    frame.loc[frame["regionkod"] == "1383", "2030"] = 73718
    frame.loc[frame["regionkod"] == "13", "2030"] = 351997
    path = tmp_path / "prognos.xlsx"
    path.write_bytes(xlsxfiles.workbook(frame, sheet="befolkning", number_format="# ##0"))
    app.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    app.wait_for_text("2 värden skiljer sig")
    app.wait_idle()
    text = app.text()
    app.screenshot("ladda-data-xlsx", full_page=True)
    assert "Filen prognos.xlsx kan användas" in text
    assert "Åldersgrupperna summerar inte till folkmängden" not in text
    assert "F5" in text
    assert app.exceptions() == []
