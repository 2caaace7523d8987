// Meta's Embedded Signup (live mode only): loads Meta's SDK from Meta, opens the signup with
// the ISV's configuration, and posts the WhatsApp Business Account id Meta reports back.
// Meta reports the finished signup as a window message from facebook.com whose data is
// {"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "data": {"waba_id": ..., ...}}.
(function () {
  "use strict";
  var form = document.getElementById("waba-form");
  var button = document.getElementById("embedded-signup");
  if (!form || !button) return;

  window.fbAsyncInit = function () {
    window.FB.init({
      appId: form.dataset.appId,
      autoLogAppEvents: true,
      xfbml: false,
      version: form.dataset.graphVersion,
    });
  };
  var sdk = document.createElement("script");
  sdk.src = "https://connect.facebook.net/en_US/sdk.js";
  sdk.async = true;
  sdk.crossOrigin = "anonymous";
  document.head.appendChild(sdk);

  window.addEventListener("message", function (event) {
    if (!/(^|\.)facebook\.com$/.test(new URL(event.origin).hostname)) return;
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (message.type !== "WA_EMBEDDED_SIGNUP" || message.event !== "FINISH") return;
    var wabaId = message.data && message.data.waba_id;
    if (!wabaId) return;
    document.getElementById("id_waba_id").value = wabaId;
    form.submit();
  });

  button.addEventListener("click", function () {
    if (!window.FB) return;
    window.FB.login(function () {}, {
      config_id: form.dataset.configId,
      response_type: "code",
      override_default_response_type: true,
      extras: { setup: {}, sessionInfoVersion: "3" },
    });
  });
})();
