// Page behaviour for the small replicas (optout/replica/common.py), driven by data attributes:
//   [data-key]            a switch, checkbox or <select> saved through the settings API: at once,
//                         optimistically, put back with a toast if the save fails; inside a
//                         [data-commit-group], only when the group's [data-commit] button is pressed;
//                         inside [data-keeps-unsaved] a failed save is only a toast: the control
//                         keeps showing the unsaved value until the page is loaded again
//   [data-shows=KEY]      text showing a setting's saved value ("On"/"Off" or the option)
//   [data-opens=ID]       shows element ID (a dialog or menu); [data-closes] hides its [data-closable]
//   [role=tab]            selects its panel (aria-controls); [data-hash=NAME] is chosen by #.../NAME
//   [data-open-on-hash=P] shown at load when location.hash starts with #P
//   [data-late-ms]        its <template> replaces the skeleton that many milliseconds after load
(() => {
  const SAVE_FAILED = "Something went wrong. Please try again.";
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";

  function valueOf(control) {
    if (control.tagName === "SELECT") return control.value;
    if (control.tagName === "INPUT") return control.checked;
    return control.getAttribute("aria-checked") === "true";
  }

  function show(control, value) {
    if (control.tagName === "SELECT") control.value = value;
    else if (control.tagName === "INPUT") control.checked = value;
    else control.setAttribute("aria-checked", String(value));
  }

  function toast(message) {
    const note = document.createElement("div");
    note.className = "toast";
    note.setAttribute("role", "alert");
    note.textContent = message;
    document.body.append(note);
    setTimeout(() => note.remove(), 6000);
  }

  async function save(control) {
    const key = control.dataset.key;
    const value = valueOf(control);
    const response = await fetch(meta("settings-api") + encodeURIComponent(key), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta("csrf-token") },
      body: JSON.stringify({ value }),
    });
    if (!response.ok) throw new Error(`save failed with HTTP ${response.status}`);
    control.dataset.saved = JSON.stringify(value);
    const shown = typeof value === "boolean" ? (value ? "On" : "Off") : value;
    document.querySelectorAll(`[data-shows="${key}"]`).forEach((el) => { el.textContent = shown; });
  }

  async function saveAll(controls) {
    try {
      for (const control of controls) await save(control);
    } catch {
      controls.filter((control) => !control.closest("[data-keeps-unsaved]"))
        .forEach((control) => show(control, JSON.parse(control.dataset.saved)));
      toast(SAVE_FAILED);
    }
  }

  function changed(control) {
    if (!control.closest("[data-commit-group]")) saveAll([control]);
  }

  function commit(group) {
    const controls = [...group.querySelectorAll("[data-key]")];
    saveAll(controls.filter((control) => JSON.stringify(valueOf(control)) !== control.dataset.saved));
  }

  function selectTab(tab) {
    tab.closest('[role="tablist"]').querySelectorAll('[role="tab"]').forEach((other) => {
      other.setAttribute("aria-selected", String(other === tab));
      document.getElementById(other.getAttribute("aria-controls")).hidden = other !== tab;
    });
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    const toggle = target.closest('button[role="switch"][data-key]');
    if (toggle) {
      show(toggle, !valueOf(toggle));
      changed(toggle);
    }
    const committer = target.closest("[data-commit]");
    if (committer) commit(committer.closest("[data-commit-group]"));
    const opener = target.closest("[data-opens]");
    if (opener) document.getElementById(opener.dataset.opens).hidden = false;
    const closer = target.closest("[data-closes]");
    if (closer) closer.closest("[data-closable]").hidden = true;
    const tab = target.closest('[role="tab"]');
    if (tab) selectTab(tab);
  });

  document.addEventListener("change", (event) => {
    const control = event.target.closest("input[data-key], select[data-key]");
    if (control) changed(control);
  });

  const hash = decodeURIComponent(location.hash.slice(1));
  document.querySelectorAll("[data-open-on-hash]").forEach((el) => {
    if (hash.startsWith(el.dataset.openOnHash)) el.hidden = false;
  });
  document.querySelectorAll("[data-hash]").forEach((tab) => {
    if (hash.endsWith(`/${tab.dataset.hash}`)) selectTab(tab);
  });
  document.querySelectorAll("[data-late-ms]").forEach((slot) => {
    setTimeout(() => {
      slot.replaceChildren(slot.querySelector("template").content.cloneNode(true));
      slot.removeAttribute("aria-busy");
    }, Number(slot.dataset.lateMs));
  });
})();
