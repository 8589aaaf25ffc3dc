// Registre (the project's own, as oppgjor.js): a form is checked as the user types; the
// check's answer replaces the fields only if the user has not typed more since it was asked
// (the next check brings the findings of what was typed), so no keystroke is ever lost.
(function () {
  "use strict";
  function snapshot(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }
  function checked(elt) {
    return elt && elt.matches && elt.matches("form[data-sjekk]") ? elt : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = checked(event.detail.elt);
    if (form) {
      form.dataset.sendt = snapshot(form);
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = checked(event.detail.requestConfig && event.detail.requestConfig.elt);
    if (form && !event.detail.isError && form.dataset.sendt !== snapshot(form)) {
      event.detail.shouldSwap = false;
    }
  });
})();
