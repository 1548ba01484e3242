// "Use my location": the only script. Without it (or without permission) the postcode box works alone.
(function () {
  var button = document.getElementById("use-location");
  var form = document.getElementById("home-search");
  var status = document.getElementById("use-location-status");
  if (!button || !form || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding where you are…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = position.coords.latitude.toFixed(5), lon = position.coords.longitude.toFixed(5);
      window.location.href = form.action + "?postcode=" + encodeURIComponent(lat + ", " + lon);
    }, function () {
      status.textContent = "Your location is not available: please type your postcode.";
    }, { timeout: 15000, maximumAge: 600000 });
  });
}());
