// Registre (the project's own, as oppgjor.js): a form is checked as the user types. The
// check's answer never replaces an input (that would move the caret or lose keystrokes): only
// the messages beside the fields, the fields' invalid marks and the form's other findings are
// taken from it, and only if the user has not typed more since it was asked (the next check
// brings the findings of what was typed).
(function () {
  "use strict";
  function snapshot(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }
  function checked(elt) {
    return elt && elt.matches && elt.matches("form[data-sjekk]") ? elt : null;
  }
  function messages(current, answer) {
    // the status line and the findings that belong to no field
    var status = current.querySelector(":scope > p[role=status]");
    var fresh = answer.querySelector(":scope > p[role=status]");
    if (status && fresh) status.textContent = fresh.textContent;
    current.querySelectorAll(":scope > .andre-funn").forEach(function (el) { el.remove(); });
    answer.querySelectorAll(":scope > .andre-funn").forEach(function (el) {
      current.appendChild(el);
    });
    // each field: its invalid mark and its message, the input itself untouched
    answer.querySelectorAll(".felt").forEach(function (felt) {
      var input = felt.querySelector("input, select, textarea");
      var mine = input && document.getElementById(input.id);
      if (!mine) return;
      ["aria-invalid", "aria-describedby"].forEach(function (name) {
        if (input.hasAttribute(name)) mine.setAttribute(name, input.getAttribute(name));
        else mine.removeAttribute(name);
      });
      var box = mine.closest(".felt");
      box.querySelectorAll(".feilmelding").forEach(function (el) { el.remove(); });
      felt.querySelectorAll(".feilmelding").forEach(function (el) { box.appendChild(el); });
    });
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = checked(event.detail.elt);
    if (form) form.dataset.sendt = snapshot(form);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = checked(event.detail.requestConfig && event.detail.requestConfig.elt);
    if (!form || event.detail.isError) return;
    event.detail.shouldSwap = false;
    if (form.dataset.sendt !== snapshot(form)) return;
    var current = form.querySelector("#felter");
    var parsed = new DOMParser().parseFromString(event.detail.serverResponse, "text/html");
    var answer = parsed.getElementById("felter");
    if (current && answer) messages(current, answer);
  });
})();
