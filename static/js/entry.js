/* Monthly entry grid: live row rates, section sums and running rates while typing.
 * The server recomputes and checks everything when the form is saved; this only helps the eye.
 * Rates use the server's rounding (half up to hundredths, then to one decimal) in whole numbers. */
(function () {
  "use strict";

  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var vietnamese = (form.getAttribute("data-lang") || document.documentElement.lang || "vi").indexOf("vi") === 0;

  /* A whole number as the server reads it (submissions.rules.typed_whole_number): 7, 1.000,
     12 345 (and 1,000 in English); anything else is not a number. */
  var grouped = vietnamese ? /^[1-9][0-9]{0,2}(?:([. \u00a0\u202f])[0-9]{3})(?:\1[0-9]{3})*$/
                           : /^[1-9][0-9]{0,2}(?:([, \u00a0\u202f])[0-9]{3})(?:\1[0-9]{3})*$/;
  function parse(text) {
    var value = (text || "").trim();
    if (value === "") { return 0; }
    if (/^[0-9]{1,7}$/.test(value)) { return parseInt(value, 10); }
    if (grouped.test(value)) { return parseInt(value.replace(/[^0-9]/g, ""), 10); }
    return NaN;
  }

  /* Text as the filter compares it: no diacritics, lower case (dvctt_portal.text.fold). */
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
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
      if (row) {
        row.classList.add("is-dirty");
        /* A tick vouches for the numbers it was shown with: typing another takes it back. */
        var tick = row.querySelector(".row-check input");
        if (tick && event.target.classList.contains("count-input")) { tick.checked = false; }
      }
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

  /* Keys like a spreadsheet's: ↑/↓ to the same column of the row above or below (rows the filter
     hides are skipped), Enter down, Ctrl+Enter (or ⌘+Enter) saves. */
  function inputsOfColumn(input) {
    var kind = input.hasAttribute("data-total") ? "[data-total]" : "[data-online]";
    return Array.prototype.filter.call(form.querySelectorAll(kind), function (element) {
      return element.offsetParent !== null;
    });
  }
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input.hasAttribute && input.hasAttribute("data-filter")) {
      event.preventDefault();  /* the filter box filters; it never sends the form */
      return;
    }
    if (!input.classList || !input.classList.contains("count-input")) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    var step = event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey) ? 1
      : (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey) ? -1 : 0);
    if (!step) { return; }
    event.preventDefault();
    var column = inputsOfColumn(input);
    var next = column[column.indexOf(input) + step];
    if (next) { next.focus(); } else if (step > 0) {
      var save = form.querySelector("[data-save]");
      if (save) { save.focus(); }
    }
  });

  /* The filter, "only rows with figures", and sections that fold. */
  var tools = form.querySelector("[data-grid-tools]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-row]"));
  function hasFigures(row) {
    var total = row.querySelector("[data-total]"), online = row.querySelector("[data-online]");
    if (total || online) { return (total && total.value.trim() !== "") || (online && online.value.trim() !== ""); }
    var saved = row.querySelector("[data-total-value]");
    return !!(saved && saved.getAttribute("data-total-value") !== "");
  }
  function setFolded(section, folded) {
    var button = section.querySelector("[data-fold]");
    var table = section.querySelector(".table-wrap");
    var note = section.querySelector("[data-folded-note]");
    table.hidden = folded;
    if (note) { note.hidden = !folded; }
    if (button) {
      button.hidden = false;
      button.setAttribute("aria-expanded", folded ? "false" : "true");
      button.textContent = folded ? (vietnamese ? "Mở ra" : "Open") : (vietnamese ? "Thu gọn" : "Fold");
    }
  }
  if (tools) {
    tools.hidden = false;
    var search = tools.querySelector("[data-filter]");
    var onlyFilled = tools.querySelector("[data-only-filled]");
    var shown = tools.querySelector("[data-shown]");
    var applyFilter = function () {
      var words = fold(search.value).split(" ").filter(Boolean);
      var filtering = words.length > 0 || onlyFilled.checked;
      var count = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        var keep = words.every(function (word) { return text.indexOf(word) !== -1; }) && (!onlyFilled.checked || hasFigures(row));
        row.hidden = !keep;
        if (keep) { count += 1; }
      });
      form.querySelectorAll("[data-section]").forEach(function (section) {
        /* While filtering every section shows its matching rows; then each is as the person left it. */
        setFolded(section, !filtering && section.getAttribute("data-fold-state") === "folded");
      });
      shown.textContent = filtering
        ? (vietnamese ? "Đang hiện " + count + "/" + rows.length + " thủ tục" : "Showing " + count + "/" + rows.length + " procedures")
        : "";
    };
    search.addEventListener("input", applyFilter);
    onlyFilled.addEventListener("change", applyFilter);
  }
  form.querySelectorAll("[data-section]").forEach(function (section) {
    var folded = section.hasAttribute("data-folded");
    section.setAttribute("data-fold-state", folded ? "folded" : "open");
    setFolded(section, folded);
    var button = section.querySelector("[data-fold]");
    button.addEventListener("click", function () {
      var fold = button.getAttribute("aria-expanded") === "true";
      section.setAttribute("data-fold-state", fold ? "folded" : "open");
      setFolded(section, fold);
    });
  });

  /* After a refused save, take the person to the first row in error. */
  var firstInvalid = form.querySelector("[aria-invalid='true']");
  if (firstInvalid) { firstInvalid.focus(); }
}());
