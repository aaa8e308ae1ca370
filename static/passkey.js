// Passkey ceremonies (WebAuthn). The server sends the options and keeps the challenge;
// this script only hands them to the browser's authenticator and posts its answer
// back, both as the JSON forms of the WebAuthn Level 3 API (parse…FromJSON, toJSON).
// It is loaded on every page and listens on the document, so it also serves pages that
// htmx swapped in.
(function () {
  "use strict";

  function supported() {
    return window.PublicKeyCredential &&
      typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
      typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";
  }

  // show puts the message in the box; the box is styled as an alert only then, so
  // that an empty one is no alert for anyone looking for the page's alerts.
  function show(box, text) {
    if (!box) { return; }
    box.textContent = text;
    box.className = "alert";
    box.hidden = false;
  }

  // post sends a step of the ceremony and reads the server's JSON reply; a reply that
  // is no JSON (an error page) becomes an error with the page's status text.
  async function post(url, csrf, body, type) {
    const res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": type, "X-Csrf-Token": csrf },
      body: body,
    });
    let reply;
    try { reply = await res.json(); } catch (e) { reply = { error: res.status + " " + res.statusText }; }
    if (!res.ok && !reply.error) { reply.error = res.status + " " + res.statusText; }
    return reply;
  }

  // ceremony runs one: begin, the authenticator, finish; then follows reply.next.
  async function ceremony(base, csrf, beginBody, authenticate, box, el) {
    if (!supported()) { show(box, el.dataset.unsupported); return; }
    const begun = await post(base + "/begin", csrf, beginBody, "application/x-www-form-urlencoded");
    if (begun.error) { show(box, begun.error); return; }
    let credential;
    try {
      credential = await authenticate(begun.options.publicKey);
    } catch (e) {
      show(box, el.dataset.cancelled);
      return;
    }
    const finishURL = base + "/finish" + (el.dataset.next ? "?next=" + encodeURIComponent(el.dataset.next) : "");
    const done = await post(finishURL, csrf, JSON.stringify(credential.toJSON()), "application/json");
    if (done.error) { show(box, done.error); return; }
    window.location.assign(done.next);
  }

  function login(button) {
    const box = button.parentElement.querySelector("[data-passkey-message]");
    return ceremony(button.dataset.passkeyLogin, button.dataset.csrf, "", function (options) {
      return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    }, box, button);
  }

  function register(form) {
    const box = form.querySelector("[data-passkey-message]");
    const body = new URLSearchParams(new FormData(form)).toString();
    const csrf = form.querySelector("input[name=_csrf]").value;
    return ceremony(form.dataset.passkeyRegister, csrf, body, function (options) {
      return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    }, box, form);
  }

  document.addEventListener("click", function (ev) {
    const button = ev.target.closest("[data-passkey-login]");
    if (button) { ev.preventDefault(); login(button); }
  });
  document.addEventListener("submit", function (ev) {
    const form = ev.target.closest("[data-passkey-register]");
    if (form) { ev.preventDefault(); register(form); }
  });
})();
