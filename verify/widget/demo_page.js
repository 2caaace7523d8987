/* The demo shop page's own script: show the token the widget hands over (data-callback). */
function onPhoneVerified(detail) {
  document.getElementById("token").textContent = detail.token;
  var part = detail.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  document.getElementById("claims").textContent = JSON.stringify(JSON.parse(atob(part)), null, 2);
}
