// The API documentation page (/api/docs): Swagger UI from the installed swagger-ui-dist,
// started here rather than in an inline script (the Content-Security-Policy allows none).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
