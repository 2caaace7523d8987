/*
 * The white-label phone verification widget. Vanilla JS, no dependencies.
 *
 *   <div id="verify-phone"></div>
 *   <script src="https://platform.example/static/verify/widget.js"
 *           data-key="pk_live_..." data-target="#verify-phone" data-callback="onPhoneVerified"></script>
 *
 * It renders, inside a shadow root of the target, the phone step and the code step with the
 * tenant's logo, colour, name and words (from GET /verify/widget/v1/config?key=...). Once the
 * code is approved it hands the page a signed token, valid ten minutes and good for one
 * redemption: as the `isv-verify:verified` CustomEvent on the target (detail: {token, phone}),
 * to the global function named by data-callback, and to `onVerified` of ISVVerify.mount().
 * The page's backend verifies the token (POST /api/v1/verifications/tokens/verify with its API
 * key, or offline with the signing secret); the browser can't forge it.
 */
(function () {
  "use strict";

  var EVENT_VERIFIED = "isv-verify:verified";
  var EVENT_ERROR = "isv-verify:error";
  var SCRIPT = document.currentScript;
  // Pages with a Content-Security-Policy: the widget's styles are a constructed stylesheet
  // adopted by its shadow root, and its brand colour a CSSOM property, neither of which a
  // policy restricts, so a page needs no 'unsafe-inline' style for it. Where constructed
  // stylesheets are missing it falls back to a <style> carrying the script tag's nonce.
  var NONCE = (SCRIPT && (SCRIPT.nonce || SCRIPT.getAttribute("nonce"))) || "";
  var SHEETS = typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype &&
    "adoptedStyleSheets" in Document.prototype;
  var sheet = null;

  var STYLE = [
    ":host{all:initial;display:block;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b2233}",
    ".card{box-sizing:border-box;max-width:380px;border:1px solid #e3e6ee;border-radius:12px;background:#fff;overflow:hidden;box-shadow:0 1px 3px rgba(16,24,40,.08)}",
    ".bar{display:flex;align-items:center;gap:10px;padding:14px 18px;background:var(--brand);color:#fff}",
    ".bar img{width:32px;height:32px;border-radius:6px;object-fit:cover;background:#fff}",
    ".bar .name{font-weight:600;font-size:15px}",
    ".body{padding:18px}",
    "h2{margin:0 0 4px;font-size:18px}",
    "p{margin:0 0 14px;font-size:14px;color:#626b80}",
    "label{display:block;font-size:13px;font-weight:600;margin:0 0 4px}",
    "input,select{box-sizing:border-box;width:100%;font:inherit;font-size:15px;padding:9px 11px;border:1px solid #cdd2de;border-radius:8px;margin:0 0 4px}",
    "input:focus,select:focus{outline:2px solid var(--brand);outline-offset:1px}",
    ".hint{font-size:12px;color:#626b80;margin:0 0 12px}",
    "button{box-sizing:border-box;width:100%;font:inherit;font-size:15px;font-weight:600;padding:10px;border:0;border-radius:8px;background:var(--brand);color:#fff;cursor:pointer;margin-top:8px}",
    "button[disabled]{opacity:.6;cursor:default}",
    ".links{display:flex;justify-content:space-between;margin-top:12px}",
    ".link{background:none;color:var(--brand);width:auto;padding:0;font-weight:500;font-size:13px;margin:0}",
    ".error{color:#c2314a;font-size:13px;min-height:1em;margin:8px 0 0}",
    ".done{text-align:center;padding:10px 0}",
    ".done .mark{display:inline-flex;width:44px;height:44px;border-radius:50%;background:var(--brand);color:#fff;align-items:center;justify-content:center;font-size:24px;margin-bottom:8px}",
    "[hidden]{display:none!important}"
  ].join("\n");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function apiBase(script) {
    if (script && script.dataset.api) return script.dataset.api.replace(/\/$/, "");
    var src = script ? script.src : "";
    var cut = src.indexOf("/static/verify/widget.js");
    return cut >= 0 ? src.slice(0, cut) : window.location.origin;
  }

  function request(base, key, path, body) {
    var url = base + "/verify/widget/v1/" + path + "?key=" + encodeURIComponent(key);
    var init = { method: body ? "POST" : "GET", mode: "cors", credentials: "omit", cache: "no-store" };
    if (body) {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    var sent = fetch(url, init).catch(function () {
      // The browser hides a refused CORS answer: an origin not allowed, or no platform.
      var blocked = new Error("This page may not use this widget (its origin is not allowed " +
        "for the key) or the verification service can't be reached.");
      blocked.code = "blocked";
      throw blocked;
    });
    return sent.then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = (data && data.error) || {};
          var failure = new Error(error.message || ("HTTP " + response.status));
          failure.code = error.code || "http_" + response.status;
          failure.status = response.status;
          throw failure;
        }
        return data;
      });
    });
  }

  function Widget(host, options) {
    this.host = host;
    this.options = options;
    this.root = host.shadowRoot || host.attachShadow({ mode: "open" });
    this.attempt = null;
    this.to = "";
  }

  Widget.prototype.render = function (config) {
    var s = config.strings;
    var self = this;
    this.config = config;
    this.root.textContent = "";
    this.style();
    var bar = el("div", { class: "bar", part: "bar" }, [
      config.logo_url ? el("img", { src: config.logo_url, alt: "", referrerpolicy: "no-referrer" }) : null,
      el("span", { class: "name", text: config.brand_name })
    ]);
    var channels = config.channels.length > 1 ? el("div", {}, [
      el("label", { for: "isv-channel", text: s.channel_label }),
      el("select", { id: "isv-channel", name: "channel" }, config.channels.map(function (c) {
        return el("option", { value: c, text: s["channel_" + c] || c });
      }))
    ]) : null;
    this.phoneStep = el("form", { class: "step", "data-step": "phone", novalidate: "" }, [
      el("h2", { text: s.title }),
      el("p", { text: fill(s.intro, { brand: config.brand_name }) }),
      el("label", { for: "isv-phone", text: s.phone_label }),
      el("input", { id: "isv-phone", name: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", required: "" }),
      el("div", { class: "hint", text: s.phone_hint }),
      channels,
      el("button", { type: "submit", text: s.send })
    ]);
    this.sentLine = el("p", {});
    this.codeStep = el("form", { class: "step", "data-step": "code", novalidate: "", hidden: "" }, [
      el("h2", { text: s.title }),
      this.sentLine,
      el("label", { for: "isv-code", text: s.code_label }),
      el("input", { id: "isv-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", maxlength: String(config.code_length || 10), required: "" }),
      el("button", { type: "submit", text: s.verify }),
      el("div", { class: "links" }, [
        el("button", { type: "button", class: "link", "data-action": "change", text: s.change_number }),
        el("button", { type: "button", class: "link", "data-action": "resend", text: s.resend })
      ])
    ]);
    this.doneStep = el("div", { class: "step done", "data-step": "done", hidden: "" }, [
      el("div", { class: "mark", text: "\u2713" }),
      el("p", { text: s.verified })
    ]);
    this.error = el("div", { class: "error", role: "alert" });
    var card = el("div", { class: "card", part: "card" }, [
      bar, el("div", { class: "body" }, [this.phoneStep, this.codeStep, this.doneStep, this.error])
    ]);
    card.style.setProperty("--brand", config.brand_color || "#2563eb");
    this.root.appendChild(card);
    this.phoneStep.addEventListener("submit", function (event) { event.preventDefault(); self.send(); });
    this.codeStep.addEventListener("submit", function (event) { event.preventDefault(); self.check(); });
    this.codeStep.querySelector("[data-action=change]").addEventListener("click", function () { self.show("phone"); });
    this.codeStep.querySelector("[data-action=resend]").addEventListener("click", function () { self.send(); });
  };

  Widget.prototype.style = function () {
    if (SHEETS) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
      }
      this.root.adoptedStyleSheets = [sheet];
      return;
    }
    var style = el("style", { text: STYLE });
    if (NONCE) style.nonce = NONCE;
    this.root.appendChild(style);
  };

  Widget.prototype.setColor = function (color) {
    var card = this.root.querySelector(".card");
    if (card) card.style.setProperty("--brand", color);
  };

  Widget.prototype.show = function (step) {
    this.phoneStep.hidden = step !== "phone";
    this.codeStep.hidden = step !== "code";
    this.doneStep.hidden = step !== "done";
    this.error.textContent = "";
    var focus = { phone: "#isv-phone", code: "#isv-code" }[step];
    if (focus) this.root.querySelector(focus).focus();
  };

  Widget.prototype.busy = function (form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = busy; });
  };

  Widget.prototype.fail = function (error) {
    this.error.textContent = error.message || this.config.strings.error;
    this.host.dispatchEvent(new CustomEvent(EVENT_ERROR, {
      bubbles: true, composed: true, detail: { code: error.code || "error", message: this.error.textContent }
    }));
  };

  Widget.prototype.send = function () {
    var self = this;
    var phone = this.root.querySelector("#isv-phone").value.trim();
    var select = this.root.querySelector("#isv-channel");
    var form = this.phoneStep.hidden ? this.codeStep : this.phoneStep;
    this.busy(form, true);
    request(this.options.base, this.options.key, "start", {
      to: phone, channel: select ? select.value : this.config.channels[0]
    }).then(function (data) {
      self.attempt = data.attempt;
      self.to = data.to;
      self.show("code");
      self.sentLine.textContent = fill(self.config.strings.code_sent, { to: data.to });
    }).catch(function (error) { self.fail(error); })
      .then(function () { self.busy(form, false); });
  };

  Widget.prototype.check = function () {
    var self = this;
    var input = this.root.querySelector("#isv-code");
    this.busy(this.codeStep, true);
    request(this.options.base, this.options.key, "check", {
      attempt: this.attempt, code: input.value.trim()
    }).then(function (data) {
      if (!data.valid) {
        input.value = "";
        self.error.textContent = self.config.strings.wrong_code;
        input.focus();
        return;
      }
      self.show("done");
      self.verified({ token: data.token, phone: data.phone });
    }).catch(function (error) { self.fail(error); })
      .then(function () { self.busy(self.codeStep, false); });
  };

  Widget.prototype.verified = function (detail) {
    this.host.dispatchEvent(new CustomEvent(EVENT_VERIFIED, { bubbles: true, composed: true, detail: detail }));
    var name = this.options.callback;
    if (name && typeof window[name] === "function") window[name](detail);
    if (typeof this.options.onVerified === "function") this.options.onVerified(detail);
    if (this.options.returnTo) {
      var sep = this.options.returnTo.indexOf("?") >= 0 ? "&" : "?";
      window.location.assign(this.options.returnTo + sep + "verify_token=" + encodeURIComponent(detail.token));
    }
  };

  function resolveTarget(target) {
    if (typeof target !== "string") return target;
    return document.querySelector(target);
  }

  /* Mount a widget: options {key, target, base, callback, onVerified, config, returnTo}. */
  function mount(options) {
    var host = resolveTarget(options.target);
    if (!host) throw new Error("ISVVerify: no element matches " + options.target);
    var widget = new Widget(host, options);
    var ready = options.config ? Promise.resolve(options.config) : request(options.base, options.key, "config");
    return ready.then(function (config) {
      widget.render(config);
      host.setAttribute("data-verify-widget", "ready");
      return widget;
    }, function (error) {
      host.setAttribute("data-verify-widget", "refused");
      if (window.console) window.console.warn("ISVVerify: " + error.message);
      host.dispatchEvent(new CustomEvent(EVENT_ERROR, {
        bubbles: true, composed: true, detail: { code: error.code || "error", message: error.message }
      }));
      throw error;
    });
  }

  function fromScript(script) {
    var data = script.dataset;
    var config = null;
    if (data.config) {
      var holder = document.getElementById(data.config);
      config = holder ? JSON.parse(holder.textContent) : null;
    }
    var target = data.target;
    if (!target) {
      var box = document.createElement("div");
      script.parentNode.insertBefore(box, script.nextSibling);
      target = box;
    }
    return mount({
      key: data.key, target: target, base: apiBase(script), callback: data.callback,
      config: config, returnTo: data.returnTo || ""
    }).catch(function () { return null; });
  }

  window.ISVVerify = {
    mount: function (options) {
      return mount(Object.assign({ base: apiBase(SCRIPT) }, options));
    },
    EVENT_VERIFIED: EVENT_VERIFIED,
    EVENT_ERROR: EVENT_ERROR
  };
  window.ISVVerify.ready = null;

  if (SCRIPT && SCRIPT.dataset.key) {
    var start = function () { window.ISVVerify.ready = fromScript(SCRIPT); };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
