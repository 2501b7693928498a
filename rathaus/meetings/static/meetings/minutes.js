// Autosave of the minutes: each item's text is saved a moment after typing stops. The server
// accepts a save only for the version the writer started from; otherwise it answers 409 with
// the other writer's text, which we show next to the own text for merging (nothing is lost).
(function () {
  "use strict";
  var DELAY_MS = 1500;
  function setup(form) {
    var area = form.querySelector("textarea");
    var version = form.querySelector("input[name=version]");
    var state = form.querySelector(".meetings-save-state");
    var timer = null;
    var saving = false;
    function save() {
      if (saving) { timer = setTimeout(save, DELAY_MS); return; }
      saving = true;
      state.textContent = "Speichert …";
      fetch(form.action, {
        method: "POST",
        headers: { "Accept": "application/json" },
        body: new FormData(form),
        credentials: "same-origin"
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (res) {
        saving = false;
        if (res.status === 200) {
          version.value = res.data.version;
          state.textContent = "Gespeichert.";
        } else if (res.status === 409) {
          version.value = res.data.version;
          var box = form.querySelector(".meetings-theirs-live");
          if (!box) {
            box = document.createElement("div");
            box.className = "kern-alert kern-alert--warning meetings-theirs-live";
            box.setAttribute("role", "alert");
            form.insertBefore(box, form.firstChild);
          }
          box.innerHTML = "";
          var p = document.createElement("p");
          p.className = "kern-body";
          p.textContent = res.data.message;
          var pre = document.createElement("pre");
          pre.className = "meetings-theirs";
          pre.textContent = res.data.theirs;
          box.appendChild(p);
          box.appendChild(pre);
          state.textContent = "Bitte zusammenführen und erneut speichern.";
        } else {
          state.textContent = res.data.message || "Nicht gespeichert.";
        }
      }).catch(function () {
        saving = false;
        state.textContent = "Nicht gespeichert (keine Verbindung). Ihr Text bleibt hier stehen.";
      });
    }
    area.addEventListener("input", function () {
      if (form.querySelector(".meetings-theirs-live")) { return; } // merging: save by button
      clearTimeout(timer);
      timer = setTimeout(save, DELAY_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      var box = form.querySelector(".meetings-theirs-live");
      if (box) { box.remove(); }
      save();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(setup);
  });
})();
