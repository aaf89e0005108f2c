"""What LinkedIn's settings pages hold, and the words they and the sign-in pages use: the variants,
the messages, the settings (each with its wording per variant), the categories that list them,
and the German glossary of the `german` variant."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

HOSTS = ("www.linkedin.com", "linkedin.com")
MAIN_HOST = HOSTS[0]
FOREIGN_SIGN_IN_HOST = "login.linkedin-auth.com"  # redirect-foreign's destination; see lookalike.py

SETTINGS_PREFIX = "/mypreferences/d/"
SETTINGS_HOME = "/mypreferences/d/categories/account"
SETTINGS_API = "/mypreferences/api/settings/"  # + key: GET {"key", "enabled"}, POST {"enabled": ...}
FEED = "/feed/"
LOGIN = "/login"
LOGIN_SUBMIT = "/checkpoint/lg/login-submit"  # where the sign-in form posts, as on the live site
CHALLENGE = "/checkpoint/challenge/"  # + the challenge's id: the CAPTCHA or one-time code after a password
COOKIE_CONSENT = "/cookie-consent/"  # where the dialog's script records Accept or Reject
CONSENT_COOKIE = "li_gc"  # LinkedIn's consent cookie; any value means "already answered"
CONSENT_CHOICES = ("accepted", "rejected")

DEMO_DISPLAY_NAME = "Demo Member"
DEMO_FIRST_NAME = DEMO_DISPLAY_NAME.split()[0]

VARIANTS = (
    "default",
    "untied-label",  # the label is plain text near the switch; the switch is named "On"/"Off"
    "late-render",  # the section appears by script 1.5 s after load, state fetched from the API
    "decoy",  # another switch that is also On sits in a section before the real one
    "duplicate",  # two switches with exactly the documented label: a tool must refuse to pick
    "renamed",  # headings and labels reworded so the documented words no longer appear
    "save-fails",  # the save API answers 500; the page flips the switch back
    "not-offered",  # the settings page says the setting is not available, with no switch
    "slow",  # every HTML page is sent 2 s late
    "checkpoint",  # a correct password leads to a CAPTCHA that can never be passed
    "two-step",  # a correct password leads to a one-time-code page
    "server-error",  # settings pages answer 500
    "wrong-password-curly",  # a wrong password gets LinkedIn's other wording (curly apostrophe)
    "account-picker",  # /login first offers the remembered account; the form is one click away
    "eu-cookies",  # a cookie-consent dialog covers every page until Accept or Reject
    "german",  # the account's language is German: settings pages are lang="de" and worded so
    "redirect-foreign",  # /login sends the browser to a look-alike on another domain (lookalike.py)
    "overlay",  # a "Try Premium for free" promotion covers settings pages a second after load
    "new-ai-switch",  # a new AI switch beside the known one, and ordinary switches around both (scan)
)

WRONG_CREDENTIALS = "Wrong email or password. Try again or create an account."
WRONG_PASSWORD_CURLY = "Hmm, that\u2019s not the right password. Please try again or request a magic link."
WRONG_CODE = "The verification code you entered isn't valid. Please check the code and try again."
CAPTCHA_FAILED = "We couldn't verify that you're a person. Please try again."
NOT_OFFERED = "This setting is not available for your account."
COOKIE_NOTICE = (
    "LinkedIn and 3rd parties use essential and non-essential cookies to provide, secure, analyze "
    "and improve our Services, and to show you relevant ads (including professional and job ads) on "
    "and off LinkedIn. Learn more in our Cookie Policy."
)
PREMIUM_PROMOTION = "Try Premium for free"

GERMAN = "german"

# The settings pages' own words in German (the german variant); a setting's words are in its
# `reworded`. Anything missing here stays English, as half-translated sites do.
GLOSSARY_DE = {
    "Settings": "Einstellungen",
    "Back": "Zurück",
    "Learn more": "Weitere Informationen",
    "On": "An",
    "Off": "Aus",
    "Loading": "Wird geladen",
    NOT_OFFERED: "Diese Einstellung ist für Ihr Konto nicht verfügbar.",
    "Home": "Startseite",
    "My Network": "Mein Netzwerk",
    "Jobs": "Jobs",
    "Messaging": "Nachrichten",
    "Notifications": "Mitteilungen",
    "Me": "Ich",
    "Settings & Privacy": "Einstellungen & Datenschutz",
    "Help": "Hilfe",
    "Sign Out": "Abmelden",
    "Search": "Suchen",
    "Account preferences": "Kontoeinstellungen",
    "Sign in & security": "Anmelden und Sicherheit",
    "Visibility": "Sichtbarkeit",
    "Data privacy": "Datenschutz",
    "Advertising data": "Werbedaten",
    "How LinkedIn uses your data": "Wie LinkedIn Ihre Daten verwendet",
    "Who can reach you": "Wer Sie kontaktieren kann",
    "Manage your data and activity": "Ihre Daten und Aktivitäten verwalten",
    "Review the data that you've provided, and make changes if you'd like.":
        "Prüfen Sie die Daten, die Sie angegeben haben, und ändern Sie sie bei Bedarf.",
    "Get a copy of your data": "Kopie Ihrer Daten anfordern",
    "See your options for accessing a copy of your account data.":
        "Sehen Sie sich an, wie Sie eine Kopie Ihrer Kontodaten erhalten können.",
    "Invitations to connect": "Einladungen zum Vernetzen",
    "Choose who can send you invitations to connect.": "Legen Sie fest, wer Ihnen Einladungen senden kann.",
    "Messages": "Nachrichten",
    "Choose who can message you.": "Legen Sie fest, wer Ihnen Nachrichten senden kann.",
}  # fmt: skip


def say(text: str, variant: str) -> str:
    """text in the account's language: German in the german variant where the glossary has it."""
    return GLOSSARY_DE.get(text, text) if variant == GERMAN else text


def lang_of(variant: str) -> str:
    return "de" if variant == GERMAN else "en"


@dataclass(frozen=True)
class Wording:
    title: str
    question: str
    label: str


@dataclass(frozen=True)
class Setting:
    """A switch whose state the server keeps for each account (all start On)."""

    key: str  # used in the save API and the admin state
    slug: str | None  # its page under /mypreferences/d/settings/; None = shown only as a decoy
    wording: Wording
    reworded: dict[str, Wording] = field(default_factory=dict)  # variant -> its wording
    help_path: str = "/help/linkedin/"

    def words(self, variant: str) -> Wording:
        return self.reworded.get(variant, self.wording)


@dataclass(frozen=True)
class InfoPage:
    """A settings item without a switch, there so the menus look and lead where LinkedIn's do."""

    slug: str
    title: str
    description: str

    def words(self, variant: str) -> InfoPage:
        return replace(self, title=say(self.title, variant), description=say(self.description, variant))


GENERATIVE_AI = Setting(
    key="generative-ai",
    slug="data-for-ai-improvement",
    wording=Wording(
        title="Data for Generative AI Improvement",
        question=(
            "Can LinkedIn and its affiliates use your personal data and content you create on "
            "LinkedIn to train generative AI models that create content?"
        ),
        label="Use my data for training content creation AI models",
    ),
    reworded={
        "renamed": Wording(
            title="Improving generative features",
            question="Help shape the generative features you use on LinkedIn with what you share here.",
            label="Allow LinkedIn to improve generative features with my content",
        ),
        GERMAN: Wording(
            title="Daten zur Verbesserung generativer KI",
            question=(
                "Dürfen LinkedIn und seine verbundenen Unternehmen Ihre personenbezogenen Daten "
                "und die Inhalte, die Sie auf LinkedIn erstellen, zum Training von KI-Modellen zur "
                "Inhaltserstellung verwenden?"
            ),
            label="Meine Daten für das Training von KI-Modellen zur Inhaltserstellung verwenden",
        ),
    },
    help_path="/help/linkedin/answer/a6278444",
)
RESEARCH = Setting(
    key="research",
    slug="policy-and-academic-research",
    wording=Wording(
        title="Social, economic, and workplace research",
        question=(
            "Choose whether LinkedIn can make some of your personal data available to trusted "
            "third parties for policy and academic research."
        ),
        label="Use data for research",
    ),
    reworded={
        "renamed": Wording(
            title="Research partnerships",
            question="Help researchers understand the world of work with what you share here.",
            label="Let trusted partners study my LinkedIn activity",
        ),
        GERMAN: Wording(
            title="Forschung zu Gesellschaft, Wirtschaft und Arbeitswelt",
            question=(
                "Legen Sie fest, ob LinkedIn einige Ihrer personenbezogenen Daten vertrauenswürdigen "
                "Dritten für politische und wissenschaftliche Forschung zur Verfügung stellen darf."
            ),
            label="Daten für Forschungszwecke verwenden",
        ),
    },
    help_path="/help/linkedin/answer/a6882244",
)
RESEARCH_INVITATIONS = Setting(
    key="research-invitations",
    slug="research-invitations",
    wording=Wording(
        title="Research invitations",
        question="Choose whether LinkedIn can invite you to take part in research about LinkedIn.",
        label="Research invitations",
    ),
    reworded={
        GERMAN: Wording(
            title="Einladungen zu Forschungsprojekten",
            question="Legen Sie fest, ob LinkedIn Sie zu Studien über LinkedIn einladen darf.",
            label="Einladungen zu Forschungsprojekten",
        ),
    },
)
PROFILE_RECOMMENDATIONS = Setting(
    key="profile-recommendations",
    slug=None,
    wording=Wording(
        title="Personalized recommendations",
        question="Choose whether LinkedIn can use your profile data to recommend jobs and people.",
        label="Allow LinkedIn to use my profile data for recommendations",
    ),
)
# new-ai-switch: the kind of switch LinkedIn added before announcing it (invented wording: no flow
# knows it), and ordinary switches whose words must not look like AI ("email", "available", "said").
AI_WRITING = Setting(
    key="ai-writing",
    slug=None,
    wording=Wording(
        title="AI-powered writing suggestions",
        question="Can LinkedIn use the messages and posts you write to improve its writing suggestions?",
        label="Improve writing suggestions with my content",
    ),
)
EMAIL_NOTIFICATIONS = Setting(
    key="email-notifications",
    slug=None,
    wording=Wording(
        title="Email notifications",
        question="Choose whether we email you about messages you haven't read, as you said you would like.",
        label="Email me about unread messages",
    ),
)
PROFILE_PHOTO = Setting(
    key="profile-photo",
    slug=None,
    wording=Wording(
        title="Profile photo visibility",
        question="Choose who can see your profile photo when it is available, and who can see your posts.",
        label="Show my profile photo to everyone",
    ),
)
NEW_AI_PAGE = (EMAIL_NOTIFICATIONS, AI_WRITING, PROFILE_PHOTO, PROFILE_RECOMMENDATIONS)  # below the known switch
SETTINGS = {
    setting.key: setting
    for setting in (GENERATIVE_AI, RESEARCH, RESEARCH_INVITATIONS, PROFILE_RECOMMENDATIONS, AI_WRITING,
                    EMAIL_NOTIFICATIONS, PROFILE_PHOTO)
}

Item = Setting | InfoPage


@dataclass(frozen=True)
class Category:
    key: str  # /mypreferences/d/categories/<key>
    title: str
    sections: tuple[tuple[str, tuple[Item, ...]], ...]


CATEGORIES = {
    category.key: category
    for category in (
        Category("account", "Account preferences", (
            ("Profile information", (
                InfoPage("edit-name", "Name, location, and industry", "Choose how your name and other profile details appear."),
                InfoPage("verifications", "Verifications", "Manage the verifications on your profile."),
            )),
            ("Display", (
                InfoPage("dark-mode", "Dark mode", "Choose how LinkedIn looks to you."),
            )),
        )),
        Category("sign-in-and-security", "Sign in & security", (
            ("Account access", (
                InfoPage("email-addresses", "Email addresses", "Add or remove email addresses on your account."),
                InfoPage("change-password", "Change password", "Choose a unique password to protect your account."),
                InfoPage("two-step-verification", "Two-step verification", "Activate this feature for enhanced account security."),
            )),
        )),
        Category("visibility", "Visibility", (
            ("Visibility of your profile & network", (
                InfoPage("profile-viewing-options", "Profile viewing options", "Choose whether you're visible or viewing in private mode."),
            )),
        )),
        Category("privacy", "Data privacy", (
            ("How LinkedIn uses your data", (
                InfoPage("manage-your-data", "Manage your data and activity", "Review the data that you've provided, and make changes if you'd like."),
                InfoPage("download-your-data", "Get a copy of your data", "See your options for accessing a copy of your account data."),
                RESEARCH,
                GENERATIVE_AI,
            )),
            ("Who can reach you", (
                InfoPage("invitations", "Invitations to connect", "Choose who can send you invitations to connect."),
                InfoPage("messages", "Messages", "Choose who can message you."),
                RESEARCH_INVITATIONS,
            )),
        )),
        Category("advertising-data", "Advertising data", (
            ("Profile data", (
                InfoPage("ads-profile-data", "Profile information", "Choose which profile data can be used to show you ads."),
            )),
        )),
        Category("notifications", "Notifications", (
            ("Notifications you receive", (
                InfoPage("notifications-jobs", "Searching for a job", "Choose the notifications you get about jobs."),
            )),
        )),
    )
}  # fmt: skip

# Each item's page and the category that lists it (for the Back link).
PAGES: dict[str, tuple[Item, Category]] = {
    item.slug: (item, category)
    for category in CATEGORIES.values()
    for _, items in category.sections
    for item in items
}
