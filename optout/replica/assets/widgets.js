// Page behaviour for the small replicas (optout/replica/base.py), driven by data attributes:
//   [data-key]            a switch, checkbox, <select> or menu button saved through the settings
//                         API: at once, optimistically, put back with a toast if the save fails; inside a
//                         [data-commit-group], only when the group's [data-commit] button is pressed;
//                         inside [data-keeps-unsaved] a failed save is only a toast: the control
//                         keeps showing the unsaved value until the page is loaded again
//   [data-shows=KEY]      text showing a setting's saved value ("On"/"Off" or the option)
//   [data-opens=ID]       shows element ID (a dialog; a menu it toggles); [data-closes] hides its
//                         [data-closable]; so do Escape (the front-most one) and, for a menu, a click
//                         outside it; openers with aria-expanded are kept in step
//   [role=menuitemradio]  in a menu opened by a [data-key] button: chooses its data-value
//   [role=tab]            selects its panel (aria-controls); [data-hash=NAME] is chosen by #.../NAME
//   [data-open-on-hash=P] shown at load when location.hash starts with #P
//   [data-late-ms]        its <template> replaces the skeleton that many milliseconds after load
//   [data-appears-ms]     shown that many milliseconds after load or, with [data-appears-after=ID],
//                         after element ID is first shown (announcements and tours that pop up)
(() => {
  const SAVE_FAILED = "Something went wrong. Please try again.";
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";

  const menuOf = (control) => (control.dataset.opens ? document.getElementById(control.dataset.opens) : null);

  function valueOf(control) {
    if (control.tagName === "SELECT") return control.value;
    if (control.tagName === "INPUT") return control.checked;
    if (menuOf(control)) return control.dataset.value;
    return control.getAttribute("aria-checked") === "true";
  }

  function show(control, value) {
    if (control.tagName === "SELECT") control.value = value;
    else if (control.tagName === "INPUT") control.checked = value;
    else if (menuOf(control)) showChoice(control, value);
    else control.setAttribute("aria-checked", String(value));
  }

  function showChoice(button, value) {
    button.dataset.value = value;
    button.querySelector("[data-value-label]").textContent = value;
    menuOf(button).querySelectorAll('[role="menuitemradio"]').forEach((item) => {
      item.setAttribute("aria-checked", String(item.dataset.value === value));
    });
  }

  // Shows or hides a dialog or menu; buttons that open it say whether it is (aria-expanded).
  function setOpen(element, open) {
    element.hidden = !open;
    document.querySelectorAll(`[data-opens="${element.id}"][aria-expanded]`).forEach((opener) => {
      opener.setAttribute("aria-expanded", String(open));
    });
  }

  // As on real sites, a click anywhere outside an open menu (and its button) closes it.
  function closeMenusOutside(target) {
    document.querySelectorAll('[role="menu"][data-closable]:not([hidden])').forEach((menu) => {
      const opener = document.querySelector(`[data-opens="${menu.id}"]`);
      if (!menu.contains(target) && !opener?.contains(target)) setOpen(menu, false);
    });
  }

  // A menuitemradio sets the value of the [data-key] button that opened its menu.
  function choose(item) {
    const menu = item.closest('[role="menu"]');
    const control = document.querySelector(`[data-opens="${menu.id}"][data-key]`);
    setOpen(menu, false);
    if (!control || valueOf(control) === item.dataset.value) return;
    show(control, item.dataset.value);
    changed(control);
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
    closeMenusOutside(target);
    const toggle = target.closest('button[role="switch"][data-key]');
    if (toggle) {
      show(toggle, !valueOf(toggle));
      changed(toggle);
    }
    const committer = target.closest("[data-commit]");
    if (committer) commit(committer.closest("[data-commit-group]"));
    const choice = target.closest('[role="menuitemradio"][data-value]');
    if (choice) choose(choice);
    const opener = target.closest("[data-opens]");
    if (opener) {
      const opened = document.getElementById(opener.dataset.opens);
      setOpen(opened, opened.getAttribute("role") !== "menu" || opened.hidden);
    }
    const closer = target.closest("[data-closes]");
    if (closer) setOpen(closer.closest("[data-closable]"), false);
    const tab = target.closest('[role="tab"]');
    if (tab) selectTab(tab);
  });

  document.addEventListener("change", (event) => {
    const control = event.target.closest("input[data-key], select[data-key]");
    if (control) changed(control);
  });

  // Escape closes the front-most open dialog or menu (the last one in the page).
  document.addEventListener("keydown", (event) => {
    const front = [...document.querySelectorAll("[data-closable]:not([hidden])")].pop();
    if (event.key === "Escape" && front) setOpen(front, false);
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
  document.querySelectorAll("[data-appears-ms]").forEach((element) => {
    const appear = () => setTimeout(() => setOpen(element, true), Number(element.dataset.appearsMs));
    const after = document.getElementById(element.dataset.appearsAfter ?? "");
    if (!after || !after.hidden) return appear();
    const watch = new MutationObserver(() => {
      if (after.hidden) return;
      watch.disconnect();
      appear();
    });
    watch.observe(after, { attributes: true, attributeFilter: ["hidden"] });
  });
})();
