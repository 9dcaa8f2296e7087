// A form page's Print button: shown only where the script runs, it opens the browser's print dialog
// (the page's print CSS lays the form out on A4, as its PDF is).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
