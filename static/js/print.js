/* "In" buttons (data-print): the browser's own print, with the page's print stylesheet (A4
 * landscape, no navigation). Shown only when this script runs; without it the browser's menu prints. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
