// jixiao pages: small helpers around htmx (confirmations, toasts, printing, Esc to cancel).
(function () {
  "use strict";

  function toast(message, kind) {
    var box = document.createElement("div");
    box.className = "flash toast flash-" + (kind || "ok");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = message;
    document.body.appendChild(box);
    setTimeout(function () { box.style.opacity = "0"; }, kind === "error" ? 6000 : 2500);
    setTimeout(function () { box.remove(); }, kind === "error" ? 6500 : 3000);
  }

  // Plain forms that need a confirmation (提交, 批复).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });

  // Filters that apply as soon as they change (<select data-autosubmit>): a listener here,
  // not an inline onchange (the Content-Security-Policy allows no inline script).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  // Esc in an edit row cancels it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(event.target instanceof Element)) { return; }
    var row = event.target.closest("tr.editing");
    var cancel = row && row.querySelector("[data-cancel]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // Messages sent by the server with a fragment (HX-Trigger: {"jx-flash": "…"}).
  document.addEventListener("jx-flash", function (event) {
    var detail = event.detail;
    toast(typeof detail === "string" ? detail : (detail && detail.value) || "已完成");
  });

  // Errors htmx does not swap: show the server's message (plain text) or a generic one.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = type.indexOf("text/plain") === 0 ? xhr.responseText : "";
    toast(text || "操作未完成（错误 " + xhr.status + "），请刷新页面后重试", "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("无法连接服务器，请检查网络后重试", "error");
  });

  // Focus the first field of a row swapped in for editing.
  document.addEventListener("htmx:afterSettle", function (event) {
    var focus = event.detail.elt && event.detail.elt.querySelector && event.detail.elt.querySelector("[autofocus]");
    if (focus) { focus.focus(); }
  });
})();
