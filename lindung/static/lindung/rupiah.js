/* Rupiah fields (issue 19): format an amount with Indonesian thousands dots while typing ("349632" → "349.632"),
   and, when the form has a preview box, show what the amount will do. Without JavaScript the field is a plain
   text field the server reads the same way (349.632, Rp 349.632,00, 349632). */
(function () {
  "use strict";
  function digits(text) {
    var whole = String(text).replace(/^\s*rp\.?\s*/i, "").split(",")[0];
    return whole.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
  }
  function group(d) {
    return d.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function enhance(input) {
    var form = input.form;
    var box = form && form.querySelector("[data-preview-url]");
    var timer = null;
    function preview() {
      if (!box || !digits(input.value)) { return; }
      var url = box.getAttribute("data-preview-url") + "?amount=" + encodeURIComponent(digits(input.value));
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { box.innerHTML = html; });
    }
    input.addEventListener("input", function () {
      var d = digits(input.value);
      var formatted = d ? group(d) : "";
      if (formatted !== input.value) {
        var fromEnd = input.value.length - (input.selectionEnd || 0);
        input.value = formatted;
        var pos = Math.max(0, formatted.length - fromEnd);
        input.setSelectionRange(pos, pos);
      }
      clearTimeout(timer);
      timer = setTimeout(preview, 300);
    });
    preview();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-rupiah]"), enhance);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
