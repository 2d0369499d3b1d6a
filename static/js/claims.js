// The claims queue's "Tick every claim on this page" button: ticks each claim's checkbox in the one
// decision form. Hidden until this script shows it: without JavaScript claims are ticked by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-tick-all]").forEach(function (button) {
    var form = button.closest("form");
    if (!form) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      form.querySelectorAll("input[type=checkbox][name=claims]").forEach(function (box) {
        box.checked = true;
      });
      var status = document.getElementById(button.getAttribute("data-tick-all"));
      if (status) {
        status.textContent = button.getAttribute("data-done");
      }
    });
  });
})();
