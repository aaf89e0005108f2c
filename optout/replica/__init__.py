"""Replica sites: offline stand-ins for platforms' pages, served over HTTPS for browser tests.

    server = start_replica("linkedin", variant="decoy")
    ... launch Chromium with --host-resolver-rules=server.host_resolver_rules ...
    server.stop()

    server.py        TLS, requests and responses, the admin API (/__replica__/), server.Site
    base.py          CookieSite: the demo account, sessions, sign-in, variants, the settings
                     API, the page shell and the widgets the smaller sites are drawn with
    cookie_sites.py  CookieSites that post plain forms, or sign in on another host
    linkedin/        LinkedIn (catalogue, pages, site, and its own CSS and scripts)
    lookalike.py     a phishing-style copy of LinkedIn's sign-in on another domain
    x.py, chatgpt.py, claude.py, discord.py, github.py, google.py + gemini.py, meta.py,
    wordpress.py, medium.py, tumblr.py, substack.py, squarespace.py, figma.py, hubspot.py, grok.py,
    quora.py, pinterest.py, copilot.py, perplexity.py, grammarly.py, adobe.py, canva.py,
    mistral.py, udemy.py, deviantart.py, alexa.py: one module a platform (rows.py: settings rows several of them share)

Register a new site in SITES (HOSTS follows from it).
"""

from __future__ import annotations

from typing import Callable

from optout.replica import (
    adobe,
    alexa,
    canva,
    chatgpt,
    claude,
    copilot,
    deviantart,
    discord,
    figma,
    gemini,
    github,
    grammarly,
    grok,
    hubspot,
    linkedin,
    lookalike,
    medium,
    meta,
    mistral,
    perplexity,
    pinterest,
    quora,
    squarespace,
    substack,
    tumblr,
    udemy,
    wordpress,
    x,
)
from optout.replica.server import ReplicaServer, Site

SITES: dict[str, Callable[..., Site]] = {
    "linkedin": linkedin.LinkedInReplica,
    "lookalike": lookalike.LookalikeReplica,  # a phishing-style copy of LinkedIn's sign-in (redirect-foreign)
    "x": x.XReplica,
    "chatgpt": chatgpt.ChatGPTReplica,
    "claude": claude.ClaudeReplica,
    "discord": discord.DiscordReplica,
    "github": github.GitHubReplica,
    "facebook": meta.FacebookReplica,
    "instagram": meta.InstagramReplica,
    "gemini": gemini.GeminiReplica,
    "wordpress": wordpress.WordPressReplica,
    "medium": medium.MediumReplica,
    "tumblr": tumblr.TumblrReplica,
    "substack": substack.SubstackReplica,
    "squarespace": squarespace.SquarespaceReplica,
    "figma": figma.FigmaReplica,
    "hubspot": hubspot.HubSpotReplica,
    "grok": grok.GrokReplica,
    "quora": quora.QuoraReplica,
    "pinterest": pinterest.PinterestReplica,
    "copilot": copilot.CopilotReplica,
    "perplexity": perplexity.PerplexityReplica,
    "grammarly": grammarly.GrammarlyReplica,
    "adobe": adobe.AdobeReplica,
    "canva": canva.CanvaReplica,
    "mistral": mistral.MistralReplica,
    "udemy": udemy.UdemyReplica,
    "deviantart": deviantart.DeviantArtReplica,
    "alexa": alexa.AlexaReplica,
}
HOSTS: dict[str, list[str]] = {name: list(site.hosts) for name, site in SITES.items()}


def start_replica(name: str, variant: str = "default") -> ReplicaServer:
    """Serve the named replica on 127.0.0.1 (a free port) in the background; call .stop() after."""
    if name not in SITES:
        raise ValueError(f"unknown replica {name!r}; choose one of: {', '.join(SITES)}")
    return ReplicaServer(SITES[name](variant=variant)).start()


__all__ = ["HOSTS", "SITES", "ReplicaServer", "start_replica"]
