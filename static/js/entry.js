/* Monthly entry grid: live row rates, section sums and running rates while typing.
 * The server recomputes and checks everything when the form is saved; this only helps the eye.
 * Rates use the server's rounding (half up to hundredths, then to one decimal) in whole numbers. */
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var vietnamese = (form.getAttribute("data-lang") || document.documentElement.lang || "vi").indexOf("vi") === 0;

  function parse(text) {
    var value = (text || "").trim();
    if (value === "") { return 0; }
    if (!/^[0-9]{1,7}$/.test(value)) { return NaN; }
    return parseInt(value, 10);
  }

  function formatNumber(value) {
    var text = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, vietnamese ? "." : ",");
    return text;
  }

  function formatRate(online, total) {
    if (!total || isNaN(online) || isNaN(total)) { return "—"; }
    /* online ÷ total in tenths of a per cent, rounded half up once from the exact fraction,
       as the server does (targets.arithmetic.rate_percent with one decimal). */
    var tenths = Math.floor((online * 2000 + total) / (2 * total));
    var text = Math.floor(tenths / 10) + (vietnamese ? "," : ".") + (tenths % 10);
    return text + " %";
  }

  function cellValue(row, kind) {
    var input = row.querySelector("[data-" + kind + "]");
    if (input) { return parse(input.value); }
    var cell = row.querySelector("[data-" + kind + "-value]");
    return cell ? parse(cell.getAttribute("data-" + kind + "-value")) : 0;
  }

  function setText(root, selector, text) {
    var node = root.querySelector(selector);
    if (node) { node.textContent = text; }
  }

  function updateSection(section) {
    var sumTotal = 0, sumOnline = 0, broken = false;
    section.querySelectorAll("[data-row]").forEach(function (row) {
      var total = cellValue(row, "total"), online = cellValue(row, "online");
      var bad = isNaN(total) || isNaN(online);
      row.classList.toggle("is-over", !bad && online > total);
      setText(row, "[data-rate]", bad ? "?" : (online > total ? "> 100 %" : formatRate(online, total)));
      if (bad) { broken = true; return; }
      sumTotal += total;
      sumOnline += online;
    });
    var beforeTotal = parseInt(section.getAttribute("data-before-total") || "0", 10);
    var beforeOnline = parseInt(section.getAttribute("data-before-online") || "0", 10);
    setText(section, "[data-sum-total]", broken ? "?" : formatNumber(sumTotal));
    setText(section, "[data-sum-online]", broken ? "?" : formatNumber(sumOnline));
    setText(section, "[data-sum-rate]", broken ? "?" : formatRate(sumOnline, sumTotal));
    setText(section, "[data-run-total]", broken ? "?" : formatNumber(beforeTotal + sumTotal));
    setText(section, "[data-run-online]", broken ? "?" : formatNumber(beforeOnline + sumOnline));
    setText(section, "[data-run-rate]", broken ? "?" : formatRate(beforeOnline + sumOnline, beforeTotal + sumTotal));
  }

  var dirty = false;
  var submitting = false;

  form.querySelectorAll(".entry-section").forEach(function (section) {
    updateSection(section);
    section.addEventListener("input", function (event) {
      var row = event.target.closest("[data-row]");
      if (row) { row.classList.add("is-dirty"); }
      dirty = true;
      updateSection(section);
    });
  });

  /* Like a spreadsheet: entering a cell selects its number, so typing replaces it. */
  form.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("count-input")) { event.target.select(); }
  });

  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    submitting = true;
    var button = form.querySelector("[data-save]");
    if (button) { button.setAttribute("aria-busy", "true"); }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* After a refused save, take the person to the first row in error. */
  var firstInvalid = form.querySelector("[aria-invalid='true']");
  if (firstInvalid) { firstInvalid.focus(); }
}());
