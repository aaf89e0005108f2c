// Lays the page's interruption (the cookie-consent dialog, a Premium promotion) over everything a
// moment after load, as LinkedIn's own scripts do. Its layer takes every click, so nothing under
// it can be used until one of its buttons closes it. A consent button records the choice first.
(() => {
  const template = document.getElementById("interruption");
  if (!template) return;

  async function recordConsent(button) {
    try {
      await fetch(button.dataset.consentUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ choice: button.dataset.consent }),
      });
    } catch {
      // As on the live site: the dialog closes even if recording the choice failed.
    }
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest(".interruption-overlay button");
    if (!button) return;
    if (button.dataset.consent) await recordConsent(button);
    button.closest(".interruption-overlay").remove();
  });

  setTimeout(() => document.body.append(template.content.cloneNode(true)), Number(template.dataset.delayMs));
})();
