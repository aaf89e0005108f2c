// Switches behave like LinkedIn's: flip at once (optimistic UI), save with fetch, and flip back
// with a toast if the save fails. The late-render variant also fills in its section from here.
// The words follow the page's language (<html lang>), as the server rendered it.
(() => {
  const WORDS = {
    en: { on: "On", off: "Off", saveFailed: "Something went wrong. Please try again." },
    de: { on: "An", off: "Aus", saveFailed: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut." },
  };
  const words = WORDS[document.documentElement.lang] || WORDS.en;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)JSESSIONID="?([^";]*)"?/);
    return match ? match[1] : "";
  }

  function showState(toggle, on) {
    const text = on ? words.on : words.off;
    toggle.setAttribute("aria-checked", String(on));
    toggle.parentElement.querySelector(".toggle-state").textContent = text;
    if (toggle.hasAttribute("data-name-from-state")) toggle.setAttribute("aria-label", text);
  }

  function showToast(message) {
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "alert");
    toast.textContent = message;
    document.body.append(toast);
    setTimeout(() => toast.remove(), 6000);
  }

  function settingUrl(key) {
    return `/mypreferences/api/settings/${encodeURIComponent(key)}`;
  }

  async function save(key, on) {
    const response = await fetch(settingUrl(key), {
      method: "POST",
      headers: { "Content-Type": "application/json", "csrf-token": csrfToken() },
      body: JSON.stringify({ enabled: on }),
    });
    if (!response.ok) throw new Error(`save failed with HTTP ${response.status}`);
  }

  document.addEventListener("click", async (event) => {
    const toggle = event.target.closest('[role="switch"][data-setting]');
    if (!toggle) return;
    const wasOn = toggle.getAttribute("aria-checked") === "true";
    showState(toggle, !wasOn);
    try {
      await save(toggle.dataset.setting, !wasOn);
    } catch {
      showState(toggle, wasOn);
      showToast(words.saveFailed);
    }
  });

  async function renderLate(skeleton) {
    try {
      const response = await fetch(settingUrl(skeleton.dataset.lateSetting));
      if (!response.ok) throw new Error(`load failed with HTTP ${response.status}`);
      const { enabled } = await response.json();
      const section = document.getElementById("late-setting").content.cloneNode(true);
      section.querySelectorAll('[role="switch"]').forEach((toggle) => showState(toggle, enabled));
      skeleton.replaceWith(section);
    } catch {
      showToast(words.saveFailed);
    }
  }

  const skeleton = document.querySelector("[data-late-setting]");
  if (skeleton) setTimeout(() => renderLate(skeleton), Number(skeleton.dataset.delayMs));
})();
