"""Accessibility: axe-core (WCAG 2.0/2.1 A+AA, 2.2 AA) on every page, and keyboard reach.

axe-core is the pinned npm package in package.json (``npm ci`` in scripts/test.sh);
it is injected into the page from ``node_modules``, nothing is fetched.

Only violations with impact *serious* or *critical* fail the test. A violation that
comes from Streamlit's own chrome and cannot be fixed from the app is listed in
``ALLOWED`` with its rule id, a narrow selector pattern and the reason; nothing else
is exempt, and no rule is switched off.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from naravard import ui

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class Allowed:
    rule: str
    selector: str  # CSS selector; a node is allowed if its element matches it or lies inside a match
    why: str


# Violations in Streamlit's own markup that the app cannot change. Keep each entry narrow:
# one rule, one selector that names the exact widget state, and the reason.
ALLOWED: list[Allowed] = []


def url_of(spec) -> str:
    # ui.PAGES[0] is app.py's default page, served by Streamlit at "/" (see test_browser_pages.url_of).
    return "" if spec == ui.PAGES[0] else spec.url_path


def run_axe(app, axe_script) -> list[dict]:
    """All axe violations for the WCAG tags; nodes matching ``ALLOWED`` are marked ``allowed``."""
    app.page.add_script_tag(path=str(axe_script))
    return app.page.evaluate(
        """async ([tags, allowed]) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            const el = (target) => {
                try { return target.length === 1 ? document.querySelector(target[0]) : null; } catch (e) { return null; }
            };
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => {
                    const e = el(n.target);
                    return {
                        impact: n.impact,
                        target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t),
                        html: n.html.slice(0, 300),
                        summary: (n.failureSummary || '').slice(0, 500),
                        allowed: !!e && allowed.some(([rule, sel]) => rule === v.id && !!e.closest(sel)),
                    };
                }),
            }));
        }""",
        [WCAG_TAGS, [[a.rule, a.selector] for a in ALLOWED]],
    )


def serious(violations: list[dict]) -> list[dict]:
    """Serious/critical violations, minus allow-listed nodes."""
    out = []
    for v in violations:
        nodes = [n for n in v["nodes"] if (n["impact"] or v["impact"]) in FAILING_IMPACTS and not n["allowed"]]
        if nodes:
            out.append({**v, "nodes": nodes})
    return out


def report(title: str, violations: list[dict]) -> str:
    lines = [f"{title}: {len(violations)} serious/critical axe violation(s)"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} node(s)) {v['helpUrl']}")
        for n in v["nodes"][:5]:
            lines.append(f"    target: {' > '.join(n['target'])}")
            lines.append(f"      html: {n['html'][:160]}")
            lines.append(f"      why:  {' '.join(n['summary'].split())[:300]}")
    return "\n".join(lines)


def test_axe(app, axe_script, spec):
    app.open(url_of(spec))
    violations = run_axe(app, axe_script)
    bad = serious(violations)
    failing = {(v["id"], n["target"][0]) for v in bad for n in v["nodes"]}
    other = [
        f"{v['id']} [{n['impact'] or v['impact']}{', allowed' if n['allowed'] else ''}] {' > '.join(n['target'])[-80:]}"
        for v in violations
        for n in v["nodes"]
        if (v["id"], n["target"][0]) not in failing
    ]
    if other:  # not failures; shown with -rA or when the test fails
        print(f"{spec.title}: other axe findings:\n  " + "\n  ".join(other))
    assert not bad, report(spec.title, bad)


def _focused(page) -> dict:
    """What has keyboard focus: the Streamlit widget (if any), its label, where it is."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            if (!e || e === document.body) return {kind: 'body', label: '', sidebar: false};
            const widget = e.closest('[data-testid="stRadio"], [data-testid="stSelectbox"], [data-testid="stMultiSelect"]');
            const label = widget && widget.querySelector('[data-testid="stWidgetLabel"]');
            return {
                kind: widget ? widget.getAttribute('data-testid') : e.tagName.toLowerCase(),
                control: e.getAttribute('role') || (e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()),
                sidebar: !!e.closest('[data-testid="stSidebar"]'),
                label: label ? label.innerText.trim() : (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60),
            };
        }"""
    )


def _focus_is_visible(page) -> bool:
    """WCAG 2.4.7: the focused widget looks different from the same widget unfocused.

    Compares a screenshot of the widget's box (plus a margin for rings drawn outside it)
    with focus and after a blur, then puts focus back where it was.
    """
    handle = page.evaluate_handle("() => document.activeElement")
    box = page.evaluate(
        """(e) => {
            const w = e.closest('[data-testid="stRadio"], [data-testid="stSelectbox"], [data-testid="stMultiSelect"]') || e;
            const r = w.getBoundingClientRect();
            return {x: Math.max(0, r.x - 6), y: Math.max(0, r.y - 6), width: r.width + 12, height: r.height + 12};
        }""",
        handle,
    )
    focused = page.screenshot(clip=box, animations="disabled")
    page.evaluate("(e) => e.blur()", handle)
    page.wait_for_timeout(200)
    blurred = page.screenshot(clip=box, animations="disabled")
    page.evaluate("(e) => e.focus()", handle)
    page.wait_for_timeout(200)
    return focused != blurred


def test_keyboard_reaches_sidebar_radio_and_selectbox(app):
    """From the top of Översikt, Tab alone reaches the forecast radio and the map's selectbox,
    each shows that it has focus, and the radio works with the arrow keys."""
    app.open(url_of(ui.PAGES[0]))
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen: list[dict] = []
    radio_visible = select_visible = None
    for _ in range(120):
        app.page.keyboard.press("Tab")
        f = _focused(app.page)
        seen.append(f)
        # The widget's own control, not its "?" help button (which sits inside the same container).
        if (
            radio_visible is None
            and f["kind"] == "stRadio"
            and f["control"] == "radio"
            and f["sidebar"]
            and f["label"].startswith("Befolkningsprognos")
        ):
            radio_visible = _focus_is_visible(app.page)
        if select_visible is None and f["kind"] == "stSelectbox" and f["control"] == "combobox" and not f["sidebar"]:
            select_visible = _focus_is_visible(app.page)
        if radio_visible is not None and select_visible is not None:
            break
    path = " → ".join(f"{s['kind']}/{s.get('control', '')}:{s['label'][:25]}" for s in seen)
    print(f"{len(seen)} Tab presses: {path}")
    assert radio_visible is not None, f"Tab never reached the sidebar radio 'Befolkningsprognos'. Focus path: {path}"
    assert select_visible is not None, f"Tab never reached a selectbox on Översikt. Focus path: {path}"
    assert radio_visible, "the sidebar radio shows no visible focus indicator"
    assert select_visible, "the selectbox shows no visible focus indicator"

    # The radio is operable from the keyboard: arrow keys change the forecast.
    app.page.locator('[data-testid="stSidebar"] [data-testid="stRadio"] input[type="radio"]:checked').focus()
    app.page.keyboard.press("ArrowDown")
    app.wait_for_text("ca 362 000")
