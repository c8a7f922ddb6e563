/* Small enhancements for every page. Each one is optional: without this script the
   pages work the same (plain links, plain selects, the server keeps what was posted).
   - an error summary gets focus on load, and its links move focus to the field;
   - a select marked data-searchable gets a search box that narrows its options;
   - a form marked data-draft is kept in localStorage while it is filled in, so a
     session that ends mid-report loses nothing. Fields marked data-no-draft (the
     patient's identity) and the CSRF token are never stored. */
(function () {
  "use strict";

  var DRAFT_PREFIX = "avvikelse-utkast:";
  var PENDING = "avvikelse-utkast-skickat";

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var details = target.closest("details");
      if (details) details.open = true;
      // A fieldset (a group of radios or rows) is reached through its first control.
      var control = target.matches("input, select, textarea, button") ? target
        : target.querySelector("input, select, textarea") || target;
      control.focus();
      control.scrollIntoView({ block: "center" });
    });
  }

  /* --- searchable select --------------------------------------------------------- */

  function searchable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-sok";
    box.className = "select-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var boxLabel = document.createElement("label");
    boxLabel.htmlFor = box.id;
    boxLabel.className = "select-search-label";
    boxLabel.textContent = select.dataset.searchable;
    select.parentNode.insertBefore(boxLabel, select);
    select.parentNode.insertBefore(box, select);

    // Options are taken out and put back (hidden options are still chosen by some
    // browsers' keyboards); the originals are remembered in their order.
    // The empty "choose" option always stays where it is.
    var all;
    function collect() {
      all = Array.prototype.filter.call(select.querySelectorAll("option"), function (opt) {
        return opt.value;
      }).map(function (opt) { return { option: opt, parent: opt.parentNode }; });
    }
    collect();
    // A script that replaces the options (the receiving units) says so; what the person
    // typed meanwhile (the units may arrive after the first letters) is applied to them.
    select.addEventListener("avvikelse:options", function () { collect(); if (box.value) filter(); });
    function normalise(text) { return text.toLocaleLowerCase("sv").trim(); }
    function filter() {
      var query = normalise(box.value);
      var current = select.value;
      all.forEach(function (item) {
        var keep = !query ||
          normalise(item.option.textContent).indexOf(query) !== -1;
        if (keep && !item.option.parentNode) item.parent.appendChild(item.option);
        if (!keep && item.option.parentNode) item.option.parentNode.removeChild(item.option);
      });
      // Keep document order: re-append the kept ones in their original order.
      all.forEach(function (item) { if (item.option.parentNode) item.parent.appendChild(item.option); });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option");
      });
      var matches = all.filter(function (i) { return select.contains(i.option); });
      if (query && matches.length === 1) {
        select.value = matches[0].option.value;
      } else {
        select.value = select.querySelector('option[value="' + CSS.escape(current) + '"]') ? current : "";
      }
      if (select.value !== current) select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    box.addEventListener("input", filter);
    // Enter in the search box picks, it does not send the half-filled report.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }

  /* --- drafts -------------------------------------------------------------------- */

  function storable(el) {
    return el.name && el.name !== "csrf_token" && !el.closest("[data-no-draft]") &&
      !el.hasAttribute("data-no-draft") && el.type !== "hidden" && el.type !== "password" &&
      el.type !== "submit" && el.type !== "button";
  }

  function readDraft(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function saveDraft(form, key) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!storable(el)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) data[el.name] = el.value;
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    try {
      if (Object.keys(data).length) window.localStorage.setItem(key, JSON.stringify(data));
      else window.localStorage.removeItem(key);
    } catch (e) { /* storage full or refused: the form still works */ }
  }

  function restoreDraft(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!storable(el) || !(el.name in data)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.value === data[el.name];
      } else {
        el.value = data[el.name];
        // A list still being filled (the receiving units) takes its value when it arrives.
        if (el.tagName === "SELECT" && el.value !== data[el.name]) el.dataset.wanted = data[el.name];
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function drafts(form) {
    var key = DRAFT_PREFIX + form.dataset.draft;
    var notice = form.querySelector(".draft-notice");
    var saved = readDraft(key);
    // After a failed post the server shows what was sent; only a fresh form restores.
    if (saved && !document.querySelector(".error-summary")) {
      restoreDraft(form, saved);
      if (notice) notice.hidden = false;
    }
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(function () { saveDraft(form, key); }, 300); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      saveDraft(form, key);
      try { window.sessionStorage.setItem(PENDING, key); } catch (e) { /* ignore */ }
    });
    var discard = form.querySelector("[data-discard-draft]");
    if (discard) {
      discard.addEventListener("click", function () {
        window.localStorage.removeItem(key);
        window.location.reload();
      });
    }
  }

  function forgetSentDraft() {
    // The report arrived (the receipt page says so): the draft has done its work.
    // A post that ended on the login page instead keeps it.
    var key;
    try { key = window.sessionStorage.getItem(PENDING); } catch (e) { return; }
    if (!key || document.querySelector("form[data-draft]")) return;
    if (document.querySelector(".flash--success")) {
      window.localStorage.removeItem(key);
      window.sessionStorage.removeItem(PENDING);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("select[data-searchable]").forEach(searchable);
    document.querySelectorAll("form[data-draft]").forEach(drafts);
    forgetSentDraft();
  });
})();
