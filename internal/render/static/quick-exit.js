// Quick exit: leave for a neutral page and replace this page in the
// history, so the Back button does not return here. The link works
// without this script; Esc is a shortcut.
(function () {
  "use strict";
  var link = document.querySelector("a.quick-exit");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
})();
