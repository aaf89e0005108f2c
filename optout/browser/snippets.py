"""The JavaScript, CSS and snapshot pattern the adapter hands to or reads from a page, kept as data."""

from __future__ import annotations

import re

SECRET_FIELDS = "input[type=password], input[autocomplete=one-time-code]"
EVIDENCE_MARK = "data-optout-evidence"
EVIDENCE_STYLE = f"[{EVIDENCE_MARK}] {{ outline: 3px solid #e11d48 !important; outline-offset: 4px; }}"
MARK_FOR_EVIDENCE = """el => {
    document.querySelectorAll('[MARK]').forEach(marked => marked.removeAttribute('MARK'));
    el.setAttribute('MARK', '');
    el.scrollIntoView({block: 'center'});
}""".replace("MARK", EVIDENCE_MARK)

# For Page.controls, on every element of one role: its place in the page, the text of its section
# (climbing while an ancestor holds no other control and stays short), its state, and whether it
# is (in, or holds) an element a known locator matched.
CONTROL_DETAILS = r"""(elements, [role, marks]) => {
    const CONTROLS = 'input[type=checkbox], input[type=radio], select, [role=switch], [role=checkbox], '
        + '[role=radio], [role=radiogroup], [role=combobox], button[aria-haspopup], [role=button][aria-haspopup]';
    const text = el => {  // the visible words, a space between elements (inline labels would run together)
        const words = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (parent && !parent.closest('script, style, template') && parent.checkVisibility()) words.push(node.data);
        }
        return words.join(' ').replace(/\s+/g, ' ').trim();
    };
    const everything = [...document.querySelectorAll('*')];
    const checked = el => el.tagName === 'INPUT' ? el.checked : el.getAttribute('aria-checked') === 'true';
    const nameOf = el => {
        const labelledBy = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/)
            .map(id => document.getElementById(id)?.textContent ?? '').join(' ').trim();
        return (labelledBy || el.getAttribute('aria-label') || el.labels?.[0]?.innerText || text(el)).trim();
    };
    const section = el => {
        let found = el;
        const edge = 'body, main, nav, header, footer, dialog';
        for (let up = el.parentElement; up && !up.matches(edge); up = up.parentElement) {
            const others = [...up.querySelectorAll(CONTROLS)].filter(c => !el.contains(c) && !c.contains(el)
                && c.checkVisibility());
            if (others.length || text(up).length > 600) break;
            found = up;
        }
        return found === el ? '' : text(found).slice(0, 600);
    };
    const state = el => {
        if (['switch', 'checkbox', 'radio'].includes(role)) return checked(el) ? 'on' : 'off';
        if (el.tagName === 'SELECT') return el.selectedOptions[0]?.label?.trim() ?? null;
        if (role === 'radiogroup') {
            const on = [...el.querySelectorAll('input[type=radio], [role=radio]')].find(checked);
            return on ? nameOf(on) : null;
        }
        if (el.getAttribute('aria-haspopup') || role === 'combobox') {
            const shown = el.cloneNode(true);
            shown.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
            return (el.value || shown.textContent.replace(/\s+/g, ' ').trim()) || null;
        }
        return null;
    };
    return elements.map(el => ({
        order: everything.indexOf(el), context: section(el), state: state(el),
        known: marks.some(m => m === el || m.contains(el) || el.contains(m)),
        list: role === 'button' && !!el.getAttribute('aria-haspopup') && el.getAttribute('aria-haspopup') !== 'false',
        grouped: role === 'radio' && !!el.closest('[role=radiogroup]'),
        chrome: !!el.closest('header, nav, [role=banner], [role=navigation]'),
    }));
}"""
SNAPSHOT_LINE = re.compile(r'^\s*- (?P<role>[a-z]+)(?: (?P<name>"(?:[^"\\]|\\.)*"))?(?=[ :\n]|$)')  # unnamed too

# Elements that carry a role without saying so, for "the control in the region with the wording".
IMPLICIT_ROLES = {
    "checkbox": "self::input[@type='checkbox']",
    "radio": "self::input[@type='radio']",
    "combobox": "self::select",
    "button": "self::button",
    "link": "self::a[@href]",
    "textbox": "self::textarea or self::input[not(@type) or @type='text' or @type='email']",
}

# For Page.selected_option: a select's option, a dropdown button's shown value, or a group's checked radio.
SELECTED_OPTION = r"""el => {
    if (el.tagName === 'SELECT') return el.selectedOptions[0]?.label?.trim() ?? null;
    if (el.getAttribute('aria-haspopup')) {  // a dropdown button (Primer's ActionMenu) shows its value
        const shown = el.cloneNode(true);
        shown.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
        return shown.textContent.replace(/\s+/g, ' ').trim() || null;
    }
    const on = el.querySelector('input[type=radio]:checked, [role=radio][aria-checked=true]');
    if (!on) return null;
    // Its accessible name, in ARIA's order, as choose() finds options by: a custom radio's
    // own text often holds its description too.
    const labelledBy = (on.getAttribute('aria-labelledby') ?? '').split(/\s+/)
        .map(id => document.getElementById(id)?.textContent ?? '').join(' ');
    const label = labelledBy.trim() || on.getAttribute('aria-label') || on.labels?.[0]?.innerText
        || on.innerText;
    return label.replace(/\s+/g, ' ').trim();
}"""
