"""A replica of Discord's data-use switches (shared/platforms.md entry 23).

Discord has no AI-training switch; the nearest control is "Use data to improve Discord". The
app (https://discord.com/app -> /channels/@me) opens User Settings from the gear button in the
user panel; the "Data & Privacy" tab lists the documented data-use switches, all on by default
and saved when flipped. Variants: `my-data` words the switch "Use my data to improve Discord"
(PCWorld's wording); `privacy-and-safety` names the tab "Privacy & Safety", as older clients
did. Signed-out visits go to /login; discordapp.com redirects to discord.com.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, switch
from optout.replica.server import Request, Response, redirect

HOSTS = ("discord.com", "discordapp.com")

DATA_USE = {
    "improve-discord": "Use data to improve Discord",
    "personalize": "Use data to personalize my Discord experience",
    "sponsored-activity": "Use my Discord activity to personalize Sponsored Content",
    "sponsored-third-party": "Use third-party data to personalize Sponsored Content",
}
MY_DATA_LABEL = "Use my data to improve Discord"
TABS = ("My Account", "Profiles", "Content & Social", "Data & Privacy", "Authorized Apps", "Devices", "Connections")


class DiscordReplica(CookieSite):
    hosts = HOSTS
    look = Look("Discord", accent="#5865f2", background="#313338", panel="#2b2d31", text="#dbdee1", muted="#949ba4")
    sign_in = SignInPage(path="/login", return_param="redirect_to", heading="Welcome back!",
                         username_label="Email or Phone Number", password_label="Password", submit_label="Log In",
                         wrong_password="Login or password is invalid.")
    session_cookie = "__Secure-discord_session"
    home = "/channels/@me"
    api_prefix = "/api/v9/users/@me/consent/"
    defaults = dict.fromkeys(DATA_USE, True)
    own_variants = ("my-data", "privacy-and-safety")

    def pages(self):
        return {r"/": lambda request: redirect("/app"), r"/app": lambda request: redirect(self.home),
                r"/channels/@me": self._direct_messages}

    def _direct_messages(self, request: Request) -> Response:
        friends = "".join(f'<a href="#">{name}</a>' for name in ("Friends", "Nitro", "Shop"))
        panel = ('<div class="row" style="margin-top:auto;gap:8px"><p>demo_person</p>'
                 '<button class="plain" aria-label="Mute">M</button><button class="plain" aria-label="Deafen">D</button>'
                 '<button class="plain" aria-label="User Settings" data-opens="user-settings">⚙</button></div>')
        rail = f'<nav class="rail" aria-label="Direct Messages">{friends}<p class="heading">Direct Messages</p>{panel}</nav>'
        main = '<main class="content"><h1>Friends</h1><p class="muted">No one\'s around to play with Wumpus.</p></main>'
        return self.page("Discord", f'<div class="app">{rail}{main}</div>{self._user_settings()}', request)

    def _user_settings(self) -> str:
        names = [("Privacy & Safety" if tab == "Data & Privacy" and self.variant == "privacy-and-safety" else tab)
                 for tab in TABS]
        tabs = "".join(f'<button role="tab" id="tab-{i}" aria-controls="panel-{i}" aria-selected="{str(i == 0).lower()}">'
                       f"{escape(name)}</button>" for i, name in enumerate(names))
        panels = "".join(f'<section role="tabpanel" id="panel-{i}" aria-labelledby="tab-{i}"{"" if i == 0 else " hidden"}>'
                         f"<h2>{escape(name)}</h2>{self._data_use() if tab == 'Data & Privacy' else ''}</section>"
                         for i, (tab, name) in enumerate(zip(TABS, names, strict=True)))
        return ('<div class="overlay" id="user-settings" data-closable hidden>'
                '<div class="dialog" role="dialog" aria-modal="true" aria-label="Settings">'
                '<div class="dialog-head"><p class="heading">User Settings</p>'
                '<button class="plain" aria-label="Close" data-closes>ESC</button></div>'
                f'<div class="tabs"><div role="tablist" aria-orientation="vertical">{tabs}</div>'
                f"<div>{panels}</div></div></div></div>")

    def _data_use(self) -> str:
        rows = ""
        for key, label in DATA_USE.items():
            if key == "improve-discord" and self.variant == "my-data":
                label = MY_DATA_LABEL
            rows += (f'<div class="row"><p class="title" id="label-{key}">{escape(label)}</p>'
                     f'{switch(key, f"label-{key}", self.settings[key], native=True)}</div>')
        return ("<h3>How we use your data</h3>" + rows
                + '<p class="note">Questions about how Discord uses your data? Write to privacy@discord.com. '
                '<a href="https://discord.com/privacy-preserving-products">Learn more</a></p>')
