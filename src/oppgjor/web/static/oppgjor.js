// oppgjor: the little the pages need beyond htmx. No inline scripts (the pages' CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // a message that arrives in the message area is read out and brought into view
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "meldinger") {
      event.detail.target.scrollIntoView({ block: "nearest" });
    }
  });
});
