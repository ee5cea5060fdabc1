// The validator page: a file dropped anywhere on the file area becomes the chosen file (the form
// then sends it as if chosen with the button). Without this script the page works the same,
// with the button only. Loaded from the service, so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  var area = document.getElementById("drop");
  var input = document.getElementById("file");
  if (!area || !input || typeof DataTransfer === "undefined") {
    return;
  }
  var keep = document.querySelector('input[name="keep"]');
  function over(event) {
    event.preventDefault();
    area.classList.add("over");
  }
  ["dragenter", "dragover"].forEach(function (name) { area.addEventListener(name, over); });
  ["dragleave", "dragend"].forEach(function (name) {
    area.addEventListener(name, function () { area.classList.remove("over"); });
  });
  area.addEventListener("drop", function (event) {
    event.preventDefault();
    area.classList.remove("over");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) {
      return;
    }
    var chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // A newly chosen file replaces the one kept from the last try.
  input.addEventListener("change", function () {
    if (keep && input.files.length) {
      keep.checked = false;
    }
  });
}());
