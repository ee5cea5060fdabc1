// The query page: run the editor's query against /sparql and show the rows; no outside scripts.
"use strict";
const editor = document.getElementById("query");
const catalogue = document.getElementById("catalogue");
const output = document.getElementById("output");
const status = document.getElementById("status");

function downloadLink(format, label) {
  const url = "/sparql?format=" + format + "&query=" + encodeURIComponent(editor.value);
  const link = document.createElement("a");
  link.href = url; link.textContent = label; link.className = "download-" + format; link.download = "results." + format;
  return link;
}

function cell(term) {
  const td = document.createElement("td");
  if (term) { td.textContent = term.value; td.title = term.type + (term.datatype ? " " + term.datatype : ""); }
  return td;
}

function render(data) {
  output.replaceChildren();
  if ("boolean" in data) { output.textContent = "Answer: " + data.boolean; return; }
  const table = document.createElement("table");
  table.className = "results";
  const head = table.createTHead().insertRow();
  for (const name of data.head.vars) { const th = document.createElement("th"); th.textContent = name; head.appendChild(th); }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of data.head.vars) row.appendChild(cell(binding[name]));
  }
  const links = document.createElement("p");
  links.append("Download: ", downloadLink("csv", "CSV"), " ", downloadLink("json", "JSON"));
  output.append(links, table);
  status.textContent = data.results.bindings.length + " rows";
}

async function run(event) {
  event.preventDefault();
  status.textContent = "running…";
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
    body: new URLSearchParams({ query: editor.value }),
  });
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    output.replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: await response.text() }));
    status.textContent = "error " + response.status;
  } else if (type.startsWith("application/sparql-results+json")) {
    render(await response.json());
  } else {
    output.replaceChildren(Object.assign(document.createElement("pre"), { textContent: await response.text() }));
    status.textContent = "graph result";
  }
}

catalogue.addEventListener("change", () => {
  const option = catalogue.selectedOptions[0];
  if (option && option.dataset.query) editor.value = option.dataset.query;
});
document.getElementById("query-form").addEventListener("submit", run);
