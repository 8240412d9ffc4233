from naravard import fmt


def test_swedish_numbers():
    assert fmt.plain(fmt.number(343000)) == "343 000"
    assert fmt.plain(fmt.number(343000, approx=True)) == "ca 343 000"
    assert fmt.number(-340) == "\u2212340"
    assert fmt.number(4850, signed=True) == "+4\u00a0850"
    assert fmt.number(0, signed=True) == "0"
    assert fmt.plain(fmt.number(1234567.891, 2)) == "1 234 567,89"
    assert fmt.number(float("nan")) == "–"
    assert fmt.number(None) == "–"


def test_swedish_percent():
    assert fmt.plain(fmt.percent(86.1)) == "86,1 %"
    assert fmt.plain(fmt.share(0.2)) == "20 %"
    assert fmt.plain(fmt.percent(-13, 0, signed=True)) == "\u221213 %"
    assert fmt.number(-0.04, 1) == "0,0"  # no "−0,0"


def test_markdown_escape_shows_labels_as_written():
    from naravard.fmt import markdown_escape

    assert markdown_escape("80+ per 100 invånare 20–64 år") == "80\\+ per 100 invånare 20–64 år"
    assert markdown_escape("[klicka](http://x) *fet* #rubrik") == "\\[klicka\\]\\(\u2060http\\://x\\) \\*fet\\* \\#rubrik"
    assert markdown_escape("Halland") == "Halland"
