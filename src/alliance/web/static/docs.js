// Lists the API's endpoints from /openapi.json: method, path, summary, parameters with their types and limits.
"use strict";

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function typeOf(schema) {
  if (!schema) return "";
  if (schema.anyOf) return schema.anyOf.map(typeOf).filter((t) => t !== "null").join(" or ");
  const limits = ["minimum", "maximum", "exclusiveMinimum", "maxLength"].filter((k) => k in schema).map((k) => `${k} ${schema[k]}`);
  const base = schema.enum ? `one of ${schema.enum.join(", ")}` : schema.type === "array" ? `list of ${typeOf(schema.items)}` : schema.type || "object";
  return limits.length ? `${base} (${limits.join(", ")})` : base;
}

fetch("/openapi.json").then((r) => r.json()).then((spec) => {
  const parts = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters || []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""}): ${esc(typeOf(p.schema))}${p.description ? " — " + esc(p.description) : ""}</li>`);
      if (op.requestBody) params.push("<li>JSON body: see the spec's components</li>");
      parts.push(`<section><h2><code>${method.toUpperCase()} ${esc(path)}</code></h2><p>${esc(op.summary || "")}</p>` +
        (op.description ? `<p class="note">${esc(op.description)}</p>` : "") + (params.length ? `<ul>${params.join("")}</ul>` : "") + "</section>");
    }
  }
  document.getElementById("endpoints").innerHTML = parts.join("");
}).catch((error) => {
  document.getElementById("endpoints").textContent = `Could not load /openapi.json: ${error.message}`;
});
