// acid-processor console: poll the page every N seconds and swap the #live region in place.
// Every element marked data-live (with an id) is replaced by its fresh copy; forms and what the
// user is typing sit outside them and are kept. No build step, no library.
(function () {
  "use strict";
  var seconds = parseFloat(document.body.getAttribute("data-refresh") || "5");
  var regions = document.querySelectorAll("[data-live]");
  if (!regions.length || !(seconds > 0) || !window.fetch || !window.DOMParser) { return; }
  var busy = false;

  function typing() {
    var el = document.activeElement;
    if (!el || !/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) { return false; }
    for (var i = 0; i < regions.length; i++) { if (regions[i].contains(el)) { return true; } }
    return false;
  }

  function refresh() {
    if (busy || document.hidden || typing()) { return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Console-Refresh": "1" } })
      .then(function (resp) {
        if (resp.redirected || resp.status === 401) { window.location.reload(); return null; }
        return resp.ok ? resp.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        for (var i = 0; i < regions.length; i++) {
          var fresh = doc.getElementById(regions[i].id);
          if (fresh) { regions[i].innerHTML = fresh.innerHTML; }
        }
        document.body.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { busy = false; });
  }

  window.setInterval(refresh, seconds * 1000);
})();
