// Passkeys: the buttons marked data-webauthn run a WebAuthn ceremony with
// the server. Without JavaScript (or without WebAuthn) the buttons stay
// hidden and the password and code forms work as before.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) { return; }
  var token = document.querySelector("input[name=csrf]");
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token ? token.value : "" },
      body: body ? JSON.stringify(body) : "{}"
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) { throw new Error(data.error ? data.error.message : res.statusText); }
        return data;
      });
    });
  }
  document.querySelectorAll("[data-webauthn]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    var kind = button.dataset.webauthn;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) { status.textContent = button.dataset.waiting || ""; }
      post(button.dataset.options).then(function (options) {
        if (kind === "register") {
          return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey) });
        }
        return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey) });
      }).then(function (credential) {
        var name = document.getElementById("passkey-name");
        return post(button.dataset.finish, {
          name: name ? name.value : "",
          next: button.dataset.next || "/",
          credential: credential.toJSON()
        });
      }).then(function (result) {
        window.location.assign(result.redirect);
      }).catch(function (err) {
        button.disabled = false;
        if (status) {
          status.textContent = (button.dataset.failed || "") + " " + (err && err.message ? err.message : "");
        }
      });
    });
  });
})();
