"""A replica of Udemy's Instructor GenAI Program participation (shared/platforms.md entry 25).

Instructors are enrolled automatically and may leave only during a yearly opt-out window (the
first ran 21 August to 12 September 2024); outside it the option is greyed out (404 Media, via
the sources). The page and wording are unconfirmed: here the instructor's account settings show
a switch "Participate in the Instructor GenAI Program", on by default, saved when flipped.
Variants: `window-closed` (outside the window: the switch is disabled, with a note naming the
window); `late-render` (the section arrives two seconds after the page); `save-fails`. Signed-out visits go to /join/login-popup/.
"""

from __future__ import annotations

from optout.replica.base import CookieSite, Look, SignInPage, late, switch
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.udemy.com", "udemy.com")
SETTINGS_PATH = "/instructor/account/"
LABEL = "Participate in the Instructor GenAI Program"
WINDOW_OPEN = "The annual opt-out period is open. Opting out removes your content from the program by the end of the year."
WINDOW_CLOSED = ("The annual opt-out period has ended. You can change your participation during the next "
                 "opt-out period.")
TABS = ("Profile", "Account security", "Notifications", "GenAI Program", "Payout & tax settings")


class UdemyReplica(CookieSite):
    hosts = HOSTS
    look = Look("Udemy", accent="#a435f0", background="#ffffff", panel="#f7f9fa", text="#2d2f31", muted="#6a6f73")
    sign_in = SignInPage(path="/join/login-popup/", return_param="next", heading="Log in to your Udemy account",
                         username_label="Email", password_label="Password", submit_label="Log in",
                         wrong_password="There was a problem logging in. Check your email and password or create an "
                                        "account.")
    session_cookie = "access_token"
    home = "/instructor/courses/"
    api_prefix = "/api-2.0/users/me/genai-program/"
    defaults = {"genai-program": True}
    own_variants = ("window-closed", "late-render")

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/instructor/courses/": self._courses,
                SETTINGS_PATH: self._account}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        rail = ('<nav class="rail" aria-label="Instructor"><p class="brand">Udemy</p>'
                '<a href="/instructor/courses/">Courses</a><a href="#">Communication</a><a href="#">Performance</a>'
                f'<a href="{SETTINGS_PATH}">Account settings</a></nav>')
        return self.page(title, f'<div class="app">{rail}<main class="content">{content}</main></div>', request)

    def _courses(self, request: Request) -> Response:
        return self._frame(request, "Courses", "<h1>Courses</h1><p>Python for Data Analysis (Published)</p>")

    def _account(self, request: Request) -> Response:
        tabs = "".join(f'<a href="#"{" aria-current=page" if tab == "GenAI Program" else ""}>{tab}</a> ' for tab in TABS)
        closed = self.variant == "window-closed"
        section = (f'<div class="row"><div><p class="title" id="genai-label">{LABEL}</p>'
                   f'<p class="note">{WINDOW_CLOSED if closed else WINDOW_OPEN}</p></div>'
                   f'{switch("genai-program", "genai-label", self.settings["genai-program"], disabled=closed)}</div>')
        content = (f"<h1>Account settings</h1><nav aria-label=\"Account\">{tabs}</nav><h2>GenAI Program</h2>"
                   "<p class=\"muted\">The GenAI Program allows Udemy to use your content in connection with "
                   "generative AI models.</p>" + (late(section) if self.variant == "late-render" else section))
        return self._frame(request, "Account settings", content)
