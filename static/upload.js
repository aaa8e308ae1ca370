// File size limits. A file input with data-max-bytes refuses, as soon as a file is
// chosen and before anything is sent, a file larger than that: the message of
// data-too-large goes where the field's hint is, styled as its error, and the browser
// will not submit the form (nor htmx send it) while the field is invalid. The server
// checks again; this only spares the wait for an upload it would refuse. It listens on
// the document, so it also serves forms that htmx swapped in.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
      return;
    }
    const max = Number(input.dataset.maxBytes);
    const tooLarge = Array.from(input.files || []).some(function (f) { return f.size > max; });
    const message = input.closest(".field") && input.closest(".field").querySelector(".hint, .error");
    if (message && message.dataset.hint === undefined) {
      message.dataset.hint = message.textContent;
      message.dataset.hintClass = message.className;
    }
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
    if (message) {
      message.textContent = tooLarge ? input.dataset.tooLarge : message.dataset.hint;
      message.className = tooLarge ? "error" : message.dataset.hintClass;
    }
  });
})();
