"""A replica of WordPress.com's per-site privacy settings (shared/platforms.md entry 9).

https://wordpress.com/settings/general without a site shows the site picker (Calypso's Site
rows: .site__title and .site__domain); /settings/general/{site} has the Privacy card with the
visibility options Coming Soon / Public / Private. Only while Public does it show "Discourage
search engines from indexing this site" and "Prevent third-party sharing for {site}" (opted
out when ticked), saved with the card's own "Save settings" button (the Site profile card has
another). The demo account has three sites: one Public and shared, one Public and already opted
out, one Private. Variants: `this-site` is the newer dashboard (a toggle named "Prevent
third-party sharing for this site" and a "Save" button); `save-fails` refuses the save and the
page puts the box back. Signed-out visits go to /log-in; www.wordpress.com redirects.

Logging in takes two steps, as on the live site: /log-in asks only for "Email address or
username" with a "Continue" button; the "Password" field and the "Log In" button come after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, checkbox, guest_card, switch
from optout.replica.server import Request, Response, redirect

HOSTS = ("wordpress.com", "www.wordpress.com")

WRONG_PASSWORD = "It seems you entered an incorrect password. Want to get a login link via email?"
UNKNOWN_USER = "Oops, that's not the right password. Please try again!"

SHARING_HELP = ("This option will prevent this site’s content from being shared with our licensed network of "
                "content and research partners, including those that train AI models.")
HELP_URL = "https://wordpress.com/support/privacy-settings/make-your-website-public/#prevent-third-party-sharing"
VISIBILITY = (
    ("coming-soon", "Coming Soon",
     'Your site is hidden from visitors behind a "Coming Soon" notice until it is ready for viewing.'),
    ("public", "Public", "Your site is visible to everyone."),
    ("private", "Private", "Your site is only visible to you and logged-in members you approve. "
                           "Everyone else will see a log in screen."),
)


@dataclass(frozen=True)
class DemoSite:
    slug: str  # the host, as Calypso names sites in URLs and in the label
    title: str
    visibility: str
    sharing_prevented: bool


SITES = (
    DemoSite("travel-notes.wordpress.com", "Travel Notes", "public", False),
    DemoSite("recipes.example.com", "Grandma's Recipes", "public", True),
    DemoSite("family-album.wordpress.com", "Family Album", "private", False),
)
BY_SLUG = {site.slug: site for site in SITES}


class WordPressReplica(CookieSite):
    hosts = HOSTS
    look = Look("WordPress.com", accent="#3858e9", background="#f6f7f7", panel="#ffffff", text="#1e1e1e",
                muted="#50575e")
    sign_in = SignInPage(path="/log-in", return_param="redirect_to", heading="Log in to your account",
                         username_label="Email address or username", continue_label="Continue",
                         password_label="Password", submit_label="Log In", wrong_password=WRONG_PASSWORD,
                         unknown_user=UNKNOWN_USER)
    session_cookie = "wordpress_logged_in"
    home = "/sites"
    api_prefix = "/wpcom/v2/sites/privacy/"  # + site slug: {"value": sharing prevented}
    defaults = {site.slug: site.sharing_prevented for site in SITES}
    own_variants = ("this-site",)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/sites": lambda request: self._picker(request, "Sites"),
                r"/settings/general": lambda request: self._picker(request, "Select a site"),
                r"/settings/general/([^/]+)": self._general}

    def _frame(self, request: Request, title: str, nav: str, content: str) -> Response:
        bar = ('<header class="topbar"><p class="brand">WordPress.com</p><a href="/sites">My Sites</a>'
               '<a href="/read">Reader</a></header>')
        return self.page(title, f'{bar}<div class="app"><nav class="rail" aria-label="Site">{nav}</nav>'
                         f'<main class="content">{content}</main></div>', request)

    def _picker(self, request: Request, heading: str) -> Response:
        rows = "".join(
            f'<div class="site"><a class="site__content row" href="/settings/general/{escape(site.slug)}">'
            f'<div class="site__info"><div class="site__title title">{escape(site.title)}</div>'
            f'<div class="site__domain muted">{escape(site.slug)}</div></div></a></div>' for site in SITES)
        return self._frame(request, heading, '<a href="/sites" aria-current="page">All sites</a>',
                           f"<h1>{escape(heading)}</h1>{rows}")

    def _general(self, request: Request, slug: str) -> Response:
        site = BY_SLUG.get(slug)
        if site is None:
            return self.page("Site not found", guest_card("<h1>Site not found</h1>"
                                                          "<p>You don't have a site at this address.</p>"), status=404)
        nav = "".join(f'<a href="#"{current}>{item}</a>' for item, current in (
            ("Home", ""), ("Posts", ""), ("Media", ""), ("Pages", ""), ("Settings", ' aria-current="page"')))
        profile = ('<section class="card" aria-labelledby="profile-title"><h2 id="profile-title">Site profile</h2>'
                   '<div class="field"><label for="blogname">Site title</label>'
                   f'<input id="blogname" value="{escape(site.title)}"></div>'
                   '<button type="button" class="primary" style="margin-top:12px">Save settings</button></section>')
        content = (f'<h1>General Settings</h1><p class="muted">{escape(site.title)} · {escape(site.slug)}</p>'
                   f'{profile}<div style="height:16px"></div>{self._privacy(site)}')
        return self._frame(request, "General Settings", f'<p class="title">{escape(site.title)}</p>{nav}', content)

    def _privacy(self, site: DemoSite) -> str:
        options = ""
        for value, label, description in VISIBILITY:
            checked = " checked" if value == site.visibility else ""
            extra = self._public_options(site) if value == site.visibility == "public" else ""
            options += (f'<li><label><input type="radio" name="blog_public" value="{value}"{checked}> {label}</label>'
                        f'<p class="note">{escape(description)}</p>{extra}</li>')
        save = "Save" if self.variant == "this-site" else "Save settings"
        return ('<section class="card" aria-labelledby="privacy-title" data-commit-group>'
                '<h2 id="privacy-title">Privacy</h2><p class="muted">Control who can view your site. '
                '<a href="https://wordpress.com/support/privacy-settings/">Learn more</a></p>'
                f'<ul style="list-style:none;padding:0">{options}</ul>'
                f'<button type="button" class="primary" data-commit>{save}</button></section>')

    def _public_options(self, site: DemoSite) -> str:
        prevented = self.settings[site.slug]
        if self.variant == "this-site":
            control = ('<div class="row"><p class="title" id="sharing-label">Prevent third-party sharing for this site</p>'
                       f'{switch(site.slug, "sharing-label", prevented, native=True)}</div>')
        else:
            control = checkbox(site.slug, f"Prevent third-party sharing for {site.slug}", prevented)
        return ('<ul style="list-style:none"><li><label class="check"><input type="checkbox" name="blog_public" value="0">'
                '<span>Discourage search engines from indexing this site</span></label>'
                '<p class="note">This option does not block access to your site — it is up to search engines to honor '
                "your request.</p></li>"
                f'<li>{control}<p class="note">{escape(SHARING_HELP)} <a href="{HELP_URL}">Learn more</a></p></li></ul>')
