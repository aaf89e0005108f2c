"""LinkedIn's pages as HTML: functions of the data they are given; all text that is not a literal
is escaped here. Settings pages take the variant for their wording and language; every other
page is English. The look-alike site (lookalike.py) serves `sign_in_card` in `guest_page` too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from optout.replica.base import DEMO_USERNAME, field, form_error, html_document
from optout.replica.linkedin.catalogue import (
    CATEGORIES,
    CONSENT_CHOICES,
    COOKIE_CONSENT,
    COOKIE_NOTICE,
    DEMO_DISPLAY_NAME,
    DEMO_FIRST_NAME,
    FEED,
    GENERATIVE_AI,
    LOGIN,
    LOGIN_SUBMIT,
    NEW_AI_PAGE,
    NOT_OFFERED,
    PREMIUM_PROMOTION,
    PROFILE_RECOMMENDATIONS,
    SETTINGS_HOME,
    SETTINGS_PREFIX,
    Category,
    InfoPage,
    Item,
    Setting,
    Wording,
    lang_of,
    say,
)
from optout.replica.server import Response, html_response

LATE_RENDER_DELAY_MS = 1500
_ASSETS = resources.files(__package__)
_STYLE = (_ASSETS / "style.css").read_text(encoding="utf-8")
SETTINGS_SCRIPT = (_ASSETS / "settings.js").read_text(encoding="utf-8")
_INTERRUPTION_SCRIPT = (_ASSETS / "interruption.js").read_text(encoding="utf-8")
_LOGO = (
    '<svg class="logo-mark" viewBox="0 0 34 34" width="34" height="34" aria-hidden="true">'
    '<rect width="34" height="34" rx="4" fill="#0a66c2"/>'
    '<text x="6" y="26" font-size="22" font-weight="700" fill="#fff" '
    'font-family="Arial, sans-serif">in</text></svg>'
)


SIGN_IN_TITLE = "LinkedIn Login, Sign in"
PICKER_CHOICE = "account"  # account-picker: /login?account=remembered|other picks a card
REMEMBERED, OTHER_ACCOUNT = "remembered", "other"
NAV_LINKS = (
    ("Home", FEED),
    ("My Network", "/mynetwork/"),
    ("Jobs", "/jobs/"),
    ("Messaging", "/messaging/"),
    ("Notifications", "/notifications/"),
)
_PASSWORD_FIELD = field("password", "session_password", "Password", "password", "current-password")
_JOIN_NOW = '<p class="aside">New to LinkedIn? <a class="link" href="/signup">Join now</a></p>'


def _text(text: str, variant: str) -> str:
    """text in the account's language, escaped for HTML."""
    return escape(say(text, variant))


def _document(title: str, body: str, script: str = "", lang: str = "en") -> str:
    return html_document(f"{title} | LinkedIn", _STYLE, body, lang=lang, script=script)


def guest_page(title: str, card: str, script: str = "") -> str:
    """A signed-out page (sign-in, checkpoints, errors): the wordmark over one card."""
    header = f'<header class="guest-header"><a href="/" class="wordmark">Linked{_LOGO}</a></header>'
    main = f'<main class="guest-main"><div class="card guest-card">{card}</div></main>'
    return _document(title, f"{header}{main}", script)


def _member_page(title: str, main: str, script: str = "", variant: str = "default") -> str:
    links = "".join(f'<li><a href="{href}">{_text(name, variant)}</a></li>' for name, href in NAV_LINKS)
    me_menu = (
        f'<li><details class="me"><summary role="button">{_text("Me", variant)}</summary><div class="me-menu">'
        f'<p class="me-name">{DEMO_DISPLAY_NAME}</p>'
        f'<a href="{SETTINGS_HOME}">{_text("Settings & Privacy", variant)}</a>'
        f'<a href="/help/">{_text("Help", variant)}</a>'
        f'<a href="/m/logout/">{_text("Sign Out", variant)}</a></div></details></li>'
    )
    search = _text("Search", variant)
    nav = (
        '<header class="global-nav"><nav class="global-nav-inner" aria-label="Primary Navigation">'
        f'<a href="{FEED}" class="logo" aria-label="LinkedIn">{_LOGO}</a>'
        f'<input class="search" type="search" placeholder="{search}" aria-label="{search}">'
        f'<ul class="nav-items">{links}{me_menu}</ul></nav></header>'
    )
    return _document(title, f"{nav}{main}", script, lang_of(variant))


def error_page(status: int, heading: str, text: str) -> Response:
    card = f"<h1>{escape(heading)}</h1><p>{escape(text)}</p><a href=\"{FEED}\">Go to your feed</a>"
    return html_response(guest_page(heading, card), status)


def _form_error(message: str | None) -> str:
    return form_error(message, "error-for-password")


# -- signing in --


def _sign_in_form(action: str, next_path: str, identity: str, error: str | None) -> str:
    """The password form; identity is the Email or phone field, or a remembered account's hidden one."""
    return (
        f'<form method="post" action="{escape(action)}" class="form">'
        f'<input type="hidden" name="session_redirect" value="{escape(next_path)}">{identity}{_PASSWORD_FIELD}'
        f"{_form_error(error)}"
        '<a class="link" href="/checkpoint/rp/request-password-reset">Forgot password?</a>'
        '<button type="submit" class="button-primary">Sign in</button></form>'
    )


def sign_in_card(next_path: str = "", username: str = "", error: str | None = None, action: str = LOGIN_SUBMIT) -> str:
    """LinkedIn's sign-in card. The look-alike site (lookalike.py) serves it too, posting elsewhere."""
    identity = field("username", "session_key", "Email or phone", "text", "username", username)
    form = _sign_in_form(action, next_path, identity, error)
    return f'<h1>Sign in</h1><p class="subtitle">Stay updated on your professional world.</p>{form}{_JOIN_NOW}'


def login_page(next_path: str = "", username: str = "", error: str | None = None) -> str:
    return guest_page(SIGN_IN_TITLE, sign_in_card(next_path, username, error))


def account_picker_page(next_path: str, choice: str) -> str:
    """The remembered-account picker; its cards lead to /login?account=remembered (a password-only
    form for that account) or /login?account=other (the full form)."""
    if choice == OTHER_ACCOUNT:
        return login_page(next_path)
    card = _remembered_account_card(next_path) if choice == REMEMBERED else _picker_card(next_path)
    return guest_page(SIGN_IN_TITLE, card)


def _picker_href(next_path: str, choice: str) -> str:
    return escape(f"{LOGIN}?" + urlencode({PICKER_CHOICE: choice, "session_redirect": next_path}))


def _picker_card(next_path: str) -> str:
    # The account's email sits outside the card, so the card is named just "Continue as Demo".
    return (
        '<h1>Welcome back</h1><ul class="remembered-accounts"><li>'
        f'<a class="member-card" role="button" href="{_picker_href(next_path, REMEMBERED)}">'
        f"Continue as {DEMO_FIRST_NAME}</a>"
        f'<p class="member-email">{_masked_email(DEMO_USERNAME)}</p></li></ul>'
        f"{_other_account_link(next_path)}{_JOIN_NOW}"
    )


def _remembered_account_card(next_path: str) -> str:
    identity = f'<input type="hidden" name="session_key" value="{escape(DEMO_USERNAME)}">'
    return (
        f'<h1>Welcome back, {DEMO_FIRST_NAME}</h1><p class="subtitle">{_masked_email(DEMO_USERNAME)}</p>'
        f"{_sign_in_form(LOGIN_SUBMIT, next_path, identity, None)}{_other_account_link(next_path)}"
    )


def _other_account_link(next_path: str) -> str:
    href = _picker_href(next_path, OTHER_ACCOUNT)
    return f'<a class="link other-account" href="{href}">Sign in using another account</a>'


def _masked_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return escape(f"{local[:1]}{'*' * (len(local) - 1)}@{domain}")


def challenge_page(kind: str, error: str | None = None) -> str:
    if kind == "captcha":
        card = (
            "<h1>Let's do a quick security check</h1>"
            "<p>To protect your account, we need to make sure you're a real person.</p>"
            '<form method="post" class="form"><div class="captcha">'
            '<input type="checkbox" id="captcha-box" name="captcha">'
            '<label for="captcha-box">I\'m not a robot</label>'
            '<span class="captcha-brand" aria-hidden="true">Security check</span></div>'
            f'{_form_error(error)}<button type="submit" class="button-primary">Verify</button></form>'
        )
        return guest_page("Security Verification", card)
    card = (  # the live page's field and button ids
        "<h1>Two-step verification</h1>"
        "<p>Enter the 6-digit verification code from your authenticator app.</p>"
        '<form method="post" class="form"><div class="field">'
        '<label for="input__phone_verification_pin">Enter code</label>'
        '<input id="input__phone_verification_pin" name="pin" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" maxlength="6" required></div>'
        f"{_form_error(error)}"
        '<button type="submit" id="two-step-submit-button" class="button-primary">Submit</button></form>'
    )
    return guest_page("Two-step verification", card)


# -- interruptions --


def with_interruption(response: Response, dialog: str, delay_ms: int) -> Response:
    """The page plus dialog in a template, which interruption.js lays over it delay_ms after load."""
    extra = (
        f'<template id="interruption" data-delay-ms="{delay_ms}">{dialog}</template>'
        f"<script>{_INTERRUPTION_SCRIPT}</script></body>"
    )
    return replace(response, body=response.body.replace(b"</body>", extra.encode("utf-8"), 1))


def _overlay(dialog_attributes: str, content: str) -> str:
    """A full-screen layer that takes every click until one of its buttons closes it."""
    return (
        '<div class="interruption-overlay">'
        f'<section class="interruption" role="dialog" aria-modal="true" {dialog_attributes}>{content}</section></div>'
    )


def cookie_dialog() -> str:
    policy = '<a class="link" href="/legal/cookie-policy">Cookie Policy</a>'
    notice = escape(COOKIE_NOTICE).replace("Cookie Policy", policy)
    buttons = "".join(
        f'<button type="button" class="button-consent" data-consent="{choice}" '
        f'data-consent-url="{COOKIE_CONSENT}">{label}</button>'
        for label, choice in zip(("Accept", "Reject"), CONSENT_CHOICES, strict=True)
    )
    content = f'<p id="cookie-consent-notice">{notice}</p><div class="interruption-actions">{buttons}</div>'
    return _overlay('aria-label="Cookie consent" aria-describedby="cookie-consent-notice"', content)


def premium_promotion() -> str:
    # An icon button named "Dismiss", as LinkedIn's modals have.
    content = (
        '<button type="button" class="interruption-dismiss" aria-label="Dismiss" data-dismiss>&times;</button>'
        f'<h2 id="premium-promotion-title">{PREMIUM_PROMOTION}</h2>'
        f"<p>{DEMO_FIRST_NAME}, see who viewed your profile and message recruiters with InMail. "
        "Cancel anytime.</p>"
        '<a class="button-primary" href="/premium/products/">Start my free month</a>'
    )
    return _overlay('aria-labelledby="premium-promotion-title"', content)


# -- member pages --


def feed_page() -> str:
    main = (
        '<main class="feed">'
        f'<aside class="card profile-card"><p class="me-name">{DEMO_DISPLAY_NAME}</p>'
        "<p>Product manager at Example Corp</p></aside>"
        '<section class="feed-posts" aria-label="Feed">'
        '<div class="card"><button type="button" class="start-post">Start a post</button></div>'
        '<article class="card"><h2>Example Corp</h2><p>We are hiring! Join our team.</p></article>'
        '<article class="card"><h2>Jane Doe</h2><p>Five things I learned in my first year as a manager.</p></article>'
        "</section></main>"
    )
    return _member_page("Feed", main)


def _settings_frame(title: str, current: Category, content: str, variant: str, script: str = "") -> str:
    rail = "".join(_rail_link(category, category is current, variant) for category in CATEGORIES.values())
    main = (
        '<div class="settings-layout"><nav class="card settings-rail" aria-label="Settings">'
        f'<h2>{_text("Settings", variant)}</h2><ul>{rail}</ul></nav>'
        f'<main class="card settings-content">{content}</main></div>'
    )
    return _member_page(title, main, script, variant)


def _rail_link(category: Category, is_current: bool, variant: str) -> str:
    current = ' aria-current="page"' if is_current else ""
    href = f"{SETTINGS_PREFIX}categories/{category.key}"
    return f'<li><a href="{href}"{current}>{_text(category.title, variant)}</a></li>'


def category_page(category: Category, settings: Mapping[str, Any], variant: str) -> str:
    sections = "".join(
        f'<section aria-labelledby="section-{number}"><h2 id="section-{number}">{_text(heading, variant)}</h2>'
        f'<ul class="item-list">{"".join(_category_item(item, settings, variant) for item in items)}</ul></section>'
        for number, (heading, items) in enumerate(category.sections)
    )
    title = say(category.title, variant)
    return _settings_frame(title, category, f"<h1>{escape(title)}</h1>{sections}", variant)


def _category_item(item: Item, settings: Mapping[str, Any], variant: str) -> str:
    # The state sits inside the link, as on the live site: the link is named "<title> On".
    show_state = isinstance(item, Setting) and variant != "not-offered"
    state = f' <span class="item-value">{_text(_on_off(settings[item.key]), variant)}</span>' if show_state else ""
    return (
        f'<li class="item"><a href="{SETTINGS_PREFIX}settings/{item.slug}">'
        f'<span class="item-title">{escape(item.words(variant).title)}</span>{state}</a>'
        '<span class="chevron" aria-hidden="true">&rsaquo;</span></li>'
    )


def setting_page(item: Item, category: Category, settings: Mapping[str, Any], variant: str) -> str:
    back = f'<a class="back" href="{SETTINGS_PREFIX}categories/{category.key}">{_text("Back", variant)}</a>'
    if isinstance(item, InfoPage):
        words = item.words(variant)
        content = f"{back}<h1>{escape(words.title)}</h1><p>{escape(words.description)}</p>"
        return _settings_frame(words.title, category, content, variant)
    decoy = PROFILE_RECOMMENDATIONS
    before = _setting_section(decoy, settings[decoy.key], "default", "h2") if variant == "decoy" else ""
    if variant == "late-render":
        main = _late_section(item, variant)
    else:
        main = _setting_section(item, settings[item.key], variant, "h1")
    after = "".join(_setting_section(other, settings[other.key], "default", "h2") for other in NEW_AI_PAGE
                    ) if variant == "new-ai-switch" and item is GENERATIVE_AI else ""
    return _settings_frame(item.words(variant).title, category, back + before + main + after, variant, SETTINGS_SCRIPT)


def _setting_section(setting: Setting, on: bool, variant: str, heading: str) -> str:
    words = setting.words(variant)
    if variant == "not-offered":
        body = f'<p class="notice">{_text(NOT_OFFERED, variant)}</p>'
    elif variant == "untied-label":
        body = _question(words) + _toggle(setting.key, words.label, on, variant, label_id=None)
    elif variant == "duplicate":  # one label element each, same words: a rendering bug
        body = _question(words) + "".join(
            _toggle(setting.key, words.label, on, variant, label_id=f"{setting.key}-label-{n}") for n in (1, 2)
        )
    else:
        body = _question(words) + _toggle(setting.key, words.label, on, variant, label_id=f"{setting.key}-label")
    return (
        f'<section class="setting" aria-labelledby="{setting.key}-title">'
        f'<{heading} id="{setting.key}-title">{escape(words.title)}</{heading}>{body}'
        f'<a class="link learn-more" href="{setting.help_path}">{_text("Learn more", variant)}</a></section>'
    )


def _late_section(setting: Setting, variant: str) -> str:
    """A skeleton now; the script swaps in the section, with the state from the API, later."""
    return (
        f'<div class="skeleton" aria-busy="true" aria-label="{_text("Loading", variant)}" '
        f'data-late-setting="{setting.key}" data-delay-ms="{LATE_RENDER_DELAY_MS}">'
        "<div></div><div></div><div></div></div>"
        f'<template id="late-setting">{_setting_section(setting, True, variant, "h1")}</template>'
    )


def _question(words: Wording) -> str:
    return f'<p class="setting-question">{escape(words.question)}</p>'


def _toggle(key: str, label: str, on: bool, variant: str, *, label_id: str | None) -> str:
    """A switch row. With label_id the label names the switch; without, the switch is named by
    its state ("On"/"Off") and the label is merely nearby text."""
    state = _text(_on_off(on), variant)
    if label_id:
        label_html = f'<span id="{label_id}" class="toggle-label">{escape(label)}</span>'
        name = f'aria-labelledby="{label_id}"'
    else:
        label_html = f'<p class="toggle-label">{escape(label)}</p>'
        name = f'aria-label="{state}" data-name-from-state'
    return (
        f'<div class="toggle-row">{label_html}<div class="toggle-control">'
        f'<span class="toggle-state">{state}</span>'
        f'<button type="button" role="switch" class="switch" aria-checked="{str(on).lower()}" '
        f'{name} data-setting="{key}"><span class="switch-knob"></span></button></div></div>'
    )


def _on_off(on: bool) -> str:
    return "On" if on else "Off"
