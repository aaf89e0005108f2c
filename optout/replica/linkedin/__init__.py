"""A replica of LinkedIn's sign-in and Data privacy settings, written from the documented facts.

It serves the real paths (/login, /checkpoint/lg/login-submit, /checkpoint/challenge/<id>,
/feed/, /mypreferences/d/categories/privacy, /mypreferences/d/settings/data-for-ai-improvement,
...), keeps the account's switch states on the server, and can be put into variants that change
the pages the way real sites change: labels come loose from switches, sections render late, saves
fail, a second look-alike switch appears, the sign-in demands a code or a CAPTCHA, a cookie dialog
or a promotion covers the page, the account speaks German, and so on. See catalogue.VARIANTS.

    catalogue.py   the variants, messages, settings and categories, the German glossary
    pages.py       the HTML (with style.css, settings.js and interruption.js beside it)
    site.py        LinkedInReplica: routing, signing in, challenges, the settings API
"""

from optout.replica.base import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME
from optout.replica.linkedin.catalogue import (
    COOKIE_NOTICE,
    FOREIGN_SIGN_IN_HOST,
    HOSTS,
    NOT_OFFERED,
    PREMIUM_PROMOTION,
    VARIANTS,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    WRONG_PASSWORD_CURLY,
)
from optout.replica.linkedin.site import LinkedInReplica

__all__ = ["COOKIE_NOTICE", "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "DEMO_USERNAME", "FOREIGN_SIGN_IN_HOST", "HOSTS",
           "NOT_OFFERED", "PREMIUM_PROMOTION", "VARIANTS", "WRONG_CODE", "WRONG_CREDENTIALS", "WRONG_PASSWORD_CURLY",
           "LinkedInReplica"]
