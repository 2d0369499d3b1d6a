// The attendance page's "Mark all present" button: ticks every attendee's checkbox. The button is
// hidden until this script shows it, so without JavaScript the form works as before (tick by hand).
(function () {
  "use strict";
  document.querySelectorAll("[data-mark-all]").forEach(function (button) {
    var form = button.closest("form");
    if (!form) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      form.querySelectorAll("input[type=checkbox][data-attendee]").forEach(function (box) {
        box.checked = true;
      });
      var status = document.getElementById(button.getAttribute("data-mark-all"));
      if (status) {
        status.textContent = button.getAttribute("data-done");
      }
    });
  });
})();
