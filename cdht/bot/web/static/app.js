// The Mini App's only script: sign in with Telegram's launch data, sort and filter tables. No framework, no CDN.
(function () {
  "use strict";

  // Telegram passes its signed launch data in the URL fragment (never sent to a server); we post it once.
  function signIn(box) {
    var note = document.getElementById("launch-note");
    var data = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
    if (!data) { note.textContent = box.dataset.noData; return; }
    fetch("/app/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ init_data: data }).toString()
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) { location.replace(location.pathname + location.search); }
      else { note.textContent = result.body.error || box.dataset.noData; }
    }).catch(function () { note.textContent = box.dataset.offline; });
  }

  // Tell Telegram the page is ready and may take the whole height (Mini Apps: web_app_ready, web_app_expand).
  function telegramReady() {
    ["web_app_ready", "web_app_expand"].forEach(function (event) {
      if (window.TelegramWebviewProxy) { window.TelegramWebviewProxy.postEvent(event, ""); }
      else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: event, eventData: "" }), "https://web.telegram.org");
      }
    });
  }

  var STATUS_ORDER = { pass: 0, no_evidence: 1, missing: 2, fail: 3, "": 4 };

  function sortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      var button = th.querySelector("button[data-sort]");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var kind = button.dataset.sort;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.v || "", y = b.cells[index].dataset.v || "";
          var order;
          if (kind === "number") { order = parseFloat(x || "-1") - parseFloat(y || "-1"); }
          else if (kind === "status") { order = STATUS_ORDER[x] - STATUS_ORDER[y]; }
          else { order = x.localeCompare(y, "vi"); }
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function filters(table) {
    var search = document.querySelector('[data-filter-for="' + table.id + '"]');
    var status = document.querySelector('[data-status-for="' + table.id + '"]');
    function apply() {
      var words = search ? search.value.trim().toLocaleLowerCase("vi") : "";
      var flag = status ? status.value : "";
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = (row.dataset.search || "").indexOf(words) !== -1;
        var flagged = !flag || (" " + (row.dataset.flags || "") + " ").indexOf(" " + flag + " ") !== -1;
        row.hidden = !(text && flagged);
      });
    }
    if (search) { search.addEventListener("input", apply); }
    if (status) { status.addEventListener("change", apply); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    telegramReady();
    var launcher = document.getElementById("launcher");
    if (launcher) { signIn(launcher); }
    // A link from chat continues by itself; a preview fetch (no script) leaves it unused.
    var opening = document.querySelector("form[data-auto-submit]");
    if (opening) { opening.submit(); }
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      sortable(table);
      filters(table);
    });
  });
})();
