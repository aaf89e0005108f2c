"""credentials set/list/remove and session export: logins in the keyring, sessions for CI."""

from __future__ import annotations

import sys

import typer

from optout.cli import output
from optout.cli.options import JsonOpt, typer_app
from optout.errors import UsageError

credentials_app = typer_app("Keep sign-in details in the OS keyring.")
session_app = typer_app("Carry a saved session to CI, encrypted with a passphrase.")


@credentials_app.command("set")
def credentials_set(platform: str = typer.Argument(..., metavar="PLATFORM", help="The platform to sign in to."),
                    username: str = typer.Option(..., "--username", metavar="NAME",
                                                 help="The username or email address you sign in with."),
                    password_stdin: bool = typer.Option(False, "--password-stdin",
                                                        help="Read the password from the first line of stdin."),
                    totp: bool = typer.Option(False, "--totp", help="Also ask for a TOTP secret (hidden)."),
                    totp_stdin: bool = typer.Option(False, "--totp-stdin",
                                                    help="Also read a TOTP secret from stdin: the line after the "
                                                         "password with --password-stdin, else the first line.")
                    ) -> None:
    """Store a username and password (and optional TOTP secret) in the OS keyring, for the sites
    where the platform's flow signs in: only a flow for those sites is given the login."""
    from optout import credentials
    from optout.runner import platform_flow

    flow = platform_flow(platform)
    platform = flow.platform
    if totp and totp_stdin:
        raise UsageError("Use --totp or --totp-stdin, not both.")
    credentials.keyring_for(platform)
    password = read_secret(password_stdin, "password", "--password-stdin", not_done="stored")
    asked = totp or totp_stdin
    totp_secret = read_secret(totp_stdin, "TOTP secret", "--totp-stdin", not_done="stored") if asked else None
    domains = flow.password_domains()
    credentials.store(platform, username, password, totp_secret, domains=domains)
    output.say(f"Stored credentials for {platform} ({username}) in the keyring, for {', '.join(domains)}.")


@credentials_app.command("list")
def credentials_list(as_json: bool = JsonOpt) -> None:
    """Platforms with stored credentials or a saved session (no secrets shown)."""
    from optout import credentials
    from optout.sessions import SessionStore

    stored = credentials.stored_platforms()
    sessions = set(SessionStore().saved_platforms())
    rows: list[dict] = [{"platform": p, "username": stored.get(p), "session": p in sessions}
            for p in sorted(set(stored) | sessions)]
    output.show(as_json, {"accounts": rows}, ["platform", "username", "saved session"],
                [[r["platform"], r["username"] or "", "yes" if r["session"] else ""] for r in rows],
                empty="No credentials or sessions stored.")


@credentials_app.command("remove")
def credentials_remove(platform: str = typer.Argument(..., metavar="PLATFORM",
                                                     help="The platform whose login and session to remove.")
                       ) -> None:
    """Remove a platform's stored credentials and saved session."""
    from optout import credentials
    from optout.runner import platform_flow
    from optout.sessions import SessionStore

    platform = platform_flow(platform).platform
    removed = [what for what, gone in (("credentials", credentials.remove(platform)),
                                       ("saved session", SessionStore().delete(platform))) if gone]
    output.say(f"Removed {' and '.join(removed)} for {platform}." if removed else f"Nothing stored for {platform}.")


@session_app.command("export")
def session_export(platform: str = typer.Argument(..., metavar="PLATFORM",
                                                  help="The platform whose saved session to export."),
                   passphrase_stdin: bool = typer.Option(False, "--passphrase-stdin",
                                                         help="Read the passphrase from stdin (at least 12 "
                                                              "characters).")) -> None:
    """Print the saved session encrypted with a passphrase, for OPTOUT_<PLATFORM>_SESSION in CI."""
    from optout.runner import known_platform
    from optout.sessions import SessionStore

    platform = known_platform(platform)
    passphrase = read_secret(passphrase_stdin, "passphrase", "--passphrase-stdin", not_done="exported",
                             confirm=True)
    sys.stdout.write(SessionStore().export_blob(platform, passphrase) + "\n")


def read_secret(from_stdin: bool, what: str, flag: str, *, not_done: str, confirm: bool = False) -> str:
    """A secret from stdin or a hidden prompt (on stderr), never from the command line where `ps` shows it."""
    from optout.credentials import is_interactive

    if from_stdin:  # one line: the next secret may follow on the next one
        secret = sys.stdin.readline().removesuffix("\n")
    elif is_interactive():
        secret = typer.prompt(what[0].upper() + what[1:], hide_input=True, confirmation_prompt=confirm, err=True)
    else:
        raise UsageError(f"No terminal to ask for the {what}: use {flag}.")
    if not secret:
        raise UsageError(f"The {what} is empty; nothing was {not_done}.")
    return secret
