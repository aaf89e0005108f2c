"""A replica of Figma's per-team AI settings (shared/platforms.md entry 20).

The file browser, https://www.figma.com/files/recents-and-sharing, lists the account's teams in
its sidebar (links to /files/team/{id}/{name}). A team the account administers has "Admin" in
its sidebar; the admin page's "Settings" tab has the AI section with two switches that save at
once: "AI features" (access to AI, left alone) and "Content training" (opted out when off, on by
default for Starter and Professional teams). The demo account administers Demo Studio (training
on) and Side Projects (off already). Variants: `member-team` adds Acme Design, a team the account
only belongs to: no "Admin" link, and its Settings tab shows the AI switches disabled under
"Only team admins can change these settings."; `save-fails` refuses the save and the switch flips
back. Signed-out visits go to /login.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, switch, tabs
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.figma.com", "figma.com")
BROWSER_PATH = "/files/recents-and-sharing"
MEMBER_TEAM = "member-team"
ADMINS_ONLY = "Only team admins can change these settings."
TRAINING_NOTE = "Allow Figma to use this team's content to train its AI models. Access to AI features is not affected."


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    admin: bool

    @property
    def path(self) -> str:
        return f"/files/team/{self.id}/{self.name.replace(' ', '-')}"


TEAMS = (Team("1001", "Demo Studio", True), Team("1002", "Side Projects", True), Team("1003", "Acme Design", False))
BY_ID = {team.id: team for team in TEAMS}


class FigmaReplica(CookieSite):
    hosts = HOSTS
    look = Look("Figma", accent="#0d99ff", background="#ffffff", panel="#f5f5f5", text="#1e1e1e", muted="#757575")
    sign_in = SignInPage(path="/login", return_param="cont", heading="Log in to Figma", username_label="Email",
                         password_label="Password", submit_label="Log in",
                         wrong_password="That email and password combination is incorrect.")
    session_cookie = "__Host-figma.authn"
    home = BROWSER_PATH
    api_prefix = "/api/teams/ai_settings/"  # + "training-{id}" or "features-{id}": {"value": on}
    defaults = {f"training-{team.id}": team.id != "1002" for team in TEAMS} | {f"features-{team.id}": True for team in TEAMS}
    own_variants = (MEMBER_TEAM,)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), BROWSER_PATH: self._browser,
                r"/files/team/(\d+)/admin": self._admin, r"/files/team/(\d+)/([\w-]+)": self._team}

    def _teams(self) -> tuple[Team, ...]:
        return tuple(team for team in TEAMS if team.admin or self.variant == MEMBER_TEAM)

    def _frame(self, request: Request, title: str, content: str, team: Team | None = None) -> Response:
        teams = "".join(f'<a href="{t.path}">{escape(t.name)}</a>' for t in self._teams())
        admin = f'<a href="/files/team/{team.id}/admin">Admin</a>' if team and team.admin else ""
        nav = (f'<nav class="rail" aria-label="Sidebar"><a href="{BROWSER_PATH}">Recents</a><a href="#">Drafts</a>'
               f'<p class="heading">Teams</p>{teams}{admin}</nav>')
        return self.page(title, f'<div class="app">{nav}<main class="content">{content}</main></div>', request)

    def _team_or_404(self, request: Request, team_id: str) -> Team | Response:
        team = BY_ID.get(team_id)
        if team is None or team not in self._teams():
            return self.page("Not found", "<h1>This page does not exist</h1>", request, status=404)
        return team

    def _browser(self, request: Request) -> Response:
        return self._frame(request, "Recents", "<h1>Recents</h1><p class=\"muted\">Files you opened recently.</p>")

    def _team(self, request: Request, team_id: str, slug: str) -> Response:
        team = self._team_or_404(request, team_id)
        if isinstance(team, Response):
            return team
        panels = (("Files", "<p class=\"muted\">All projects</p>"), ("Members", "<p>Demo Designer</p>"),
                  ("Settings", self._ai_section(team)))
        return self._frame(request, team.name, f"<h1>{escape(team.name)}</h1>{tabs(panels)}", team)

    def _admin(self, request: Request, team_id: str) -> Response:
        team = self._team_or_404(request, team_id)
        if isinstance(team, Response):
            return team
        if not team.admin:
            return self.page("Forbidden", f"<h1>{ADMINS_ONLY}</h1>", request, status=403)
        panels = (("Dashboard", "<p>Seats: 3</p>"), ("Members", "<p>Demo Designer (owner)</p>"),
                  ("Settings", self._ai_section(team)), ("Billing", "<p>Professional plan</p>"))
        return self._frame(request, "Admin", f"<h1>Admin · {escape(team.name)}</h1>{tabs(panels)}", team)

    def _ai_section(self, team: Team) -> str:
        rows = ((f"features-{team.id}", "AI features", "Allow members of this team to use AI features."),
                (f"training-{team.id}", "Content training", TRAINING_NOTE))
        notice = "" if team.admin else f'<p class="note">{ADMINS_ONLY}</p>'
        switches = "".join(
            f'<div class="row"><div><p class="title" id="label-{key}">{name}</p><p class="note">{escape(note)}</p></div>'
            f'{switch(key, f"label-{key}", bool(self.settings[key]), disabled=not team.admin)}</div>'
            for key, name, note in rows)
        return f"<h2>AI</h2>{notice}{switches}"

