// A little help where the browser can give it; every page works without it.
(function () {
  "use strict";
  // The time zone field of sign-up starts as the browser's own zone.
  var tz = document.querySelector("input[name=timezone][data-detect], form[action$='/signup'] input[name=timezone]");
  if (tz && (tz.value === "" || tz.value === "UTC")) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) { tz.value = zone; }
    } catch (e) { /* keep what is there */ }
  }
  // A chosen photo is shown before it is uploaded.
  var file = document.querySelector("input[type=file][data-preview]");
  if (file) {
    file.addEventListener("change", function () {
      var img = document.getElementById(file.getAttribute("data-preview"));
      if (img && file.files && file.files[0]) {
        img.src = URL.createObjectURL(file.files[0]);
        img.hidden = false;
      }
    });
  }
  // A "Copy" button (hidden without script) copies the field it names.
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) { return; }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(function () { btn.textContent = "Copied"; }, function () { /* the text stays selected */ });
    });
  });
})();
