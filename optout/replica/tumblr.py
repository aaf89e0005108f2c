"""A replica of Tumblr's per-blog settings (shared/platforms.md entry 8).

https://www.tumblr.com/settings/account lists the account's blogs in the settings sidebar, each a
link to https://www.tumblr.com/settings/blog/{blog}. A blog's page has a "Visibility" section of
switches that save at once: "Discourage searching of {blog}" and "Prevent third-party sharing for
{blog}" (opted out when on: the blog is kept from Automattic's content and research partners).
The demo account has two blogs: demo-writer (shared) and night-sketches (searching discouraged,
so sharing is already prevented, as Tumblr does automatically). Variants: `late-render` draws the
Visibility section two seconds after the page, as Tumblr's client-rendered settings do;
`save-fails` refuses the save and the switch flips back. Signed-out visits go to /login, which
asks for the email first ("Next"), then the password; tumblr.com redirects to www.tumblr.com.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, late, switch
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.tumblr.com", "tumblr.com")
ACCOUNT_PATH = "/settings/account"
SHARING_HELP = ("This will prevent your blog's public content from being shared with our licensed network of "
                "content and research partners, including those that train AI models.")


@dataclass(frozen=True)
class Blog:
    name: str
    title: str
    search_discouraged: bool
    sharing_prevented: bool


BLOGS = (Blog("demo-writer", "Demo Writer", False, False), Blog("night-sketches", "Night Sketches", True, True))
BY_NAME = {blog.name: blog for blog in BLOGS}


class TumblrReplica(CookieSite):
    hosts = HOSTS
    look = Look("Tumblr", accent="#00b8ff", background="#001935", panel="#ffffff", text="#000000", muted="#5a6878")
    sign_in = SignInPage(path="/login", return_param="redirect_to", heading="Log in to Tumblr",
                         username_label="Email", continue_label="Next", password_label="Password",
                         submit_label="Log in", wrong_password="Your email or password were incorrect.")
    session_cookie = "pfs"
    home = "/dashboard"
    api_prefix = "/api/v2/user/blog_settings/"  # + blog name: {"value": sharing prevented}
    defaults = {blog.name: blog.sharing_prevented for blog in BLOGS} | {
        f"search-{blog.name}": blog.search_discouraged for blog in BLOGS}
    own_variants = ("late-render",)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/dashboard": self._dashboard,
                ACCOUNT_PATH: self._account, r"/settings/blog/([^/]+)": self._blog}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        blogs = "".join(f'<a href="/settings/blog/{escape(blog.name)}">{escape(blog.name)}</a>' for blog in BLOGS)
        nav = (f'<nav class="rail" aria-label="Settings"><a href="{ACCOUNT_PATH}">Account</a><a href="#">Dashboard</a>'
               f'<a href="#">Notifications</a><a href="#">Domains</a><p class="heading">Blogs</p>{blogs}</nav>')
        bar = '<header class="topbar"><a class="brand" href="/dashboard">t</a><a href="/dashboard">Home</a></header>'
        return self.page(title, f'{bar}<div class="app">{nav}<main class="content">{content}</main></div>', request)

    def _dashboard(self, request: Request) -> Response:
        return self._frame(request, "Dashboard", "<h1>Following</h1><article class=\"row\"><p>a cat, again</p></article>")

    def _account(self, request: Request) -> Response:
        return self._frame(request, "Settings", "<h1>Account</h1><p>Email</p><p class=\"muted\">demo@example.com</p>")

    def _blog(self, request: Request, name: str) -> Response:
        blog = BY_NAME.get(name)
        if blog is None:
            return self.page("Not found", "<h1>There's nothing here.</h1>", request, status=404)
        visibility = self._visibility(blog)
        content = (f"<h1>{escape(blog.title)}</h1><p class=\"muted\">{escape(blog.name)}.tumblr.com</p>"
                   '<h2>Username</h2><p>' + escape(blog.name) + "</p>"
                   f'<section aria-labelledby="visibility">{late(visibility) if self.variant == "late-render" else visibility}'
                   "</section>")
        return self._frame(request, "Settings", content)

    def _visibility(self, blog: Blog) -> str:
        rows = ((f"search-{blog.name}", f"Discourage searching of {blog.name}", ""),
                (blog.name, f"Prevent third-party sharing for {blog.name}", SHARING_HELP))
        return '<h2 id="visibility">Visibility</h2>' + "".join(
            f'<div class="row"><div><p class="title" id="label-{key}">{escape(label)}</p>'
            f'<p class="note">{escape(note)}</p></div>{switch(key, f"label-{key}", bool(self.settings[key]))}</div>'
            for key, label, note in rows)
