// The 印刷 button of a print view. A button with data-print opens the browser's print
// dialog; the CSP allows no inline script, so the page cannot say onclick. It listens
// on the document, so it also serves a page that htmx swapped in.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element && event.target.closest("[data-print]");
    if (!button) {
      return;
    }
    event.preventDefault();
    window.print();
  });
})();
