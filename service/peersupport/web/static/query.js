// The query page: YASGUI (vendored in /static/yasgui/) over this service's /sparql, and nothing
// else. Completions come from /query/completions.json (prefix.cc and LOV are never asked), IRIs
// of the project's namespace link to their pages here, the address holds the query, and a syntax
// error the server reports is marked at its line in the editor.
"use strict";
const NAMESPACE = "https://w3id.org/peer-support/";
const ENDPOINT = location.origin + "/sparql";
const host = document.getElementById("yasgui");
const catalogue = document.getElementById("catalogue");
const status = document.getElementById("status");
const problem = document.getElementById("query-error");
// What the status line says, in the page's language.
const SAID = {
  en: {running: "running…", error: "error", row: "row", rows: "rows", answer: "answer:", done: "done"},
  fr: {running: "en cours…", error: "erreur", row: "ligne", rows: "lignes", answer: "réponse :", done: "terminé"},
};
const said = SAID[document.documentElement.lang] || SAID.en;

// Completions from the vocabulary, fetched once, for the three completers that fetch elsewhere.
const completions = fetch("/query/completions.json").then((r) => r.json());
const completers = Yasgui.Yasqe.Autocompleters;
completers.prefixes.get = () =>
  completions.then((c) => Object.entries(c.prefixes).map(([prefix, iri]) => `${prefix}: <${iri}>`).sort());
completers.prefixes.persistenceId = null;
for (const [name, key] of [["property", "properties"], ["class", "classes"]]) {
  // Called without a token to fill YASQE's store of terms; with the token typed while that store
  // is still empty, when YASQE shows what get() gives as it is: so filter it here.
  completers[name].get = (_, token) => completions.then((c) => {
    const typed = token && (token.autocompletionString || token.string);
    return typed ? c[key].filter((term) => term.startsWith(typed)) : c[key];
  });
  completers[name].bulk = true;
  completers[name].autoShow = true;
}

// An IRI of the project's namespace links to its page on this service; any other to its data page.
function localHref(iri) {
  return iri.startsWith(NAMESPACE) ? "/peer-support/" + iri.slice(NAMESPACE.length) : "/resource?iri=" + encodeURIComponent(iri);
}
const Table = Yasgui.Yasr.plugins.table;
Table.defaults.openIriInNewWindow = false;
const iriLink = Table.prototype.getUriLinkFromBinding;
Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
  const html = iriLink.call(this, binding, prefixes);
  const container = document.createElement("span");
  container.innerHTML = html; // YASR's own markup, sanitised by it
  const link = container.querySelector("a");
  if (link) link.setAttribute("href", localHref(binding.value));
  return container.innerHTML;
};

const yasgui = new Yasgui(host, {
  persistenceId: null, // the page shows what its address says, not what an earlier visit left
  copyEndpointOnNewTab: true,
  requestConfig: {
    endpoint: ENDPOINT, method: "POST",
    acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
    acceptHeaderGraph: "text/turtle,*/*;q=0.9",
  },
  endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }], keys: [], renderItem: (item, root) => { root.textContent = item.value.endpoint; } },
  yasqe: { value: host.dataset.initial, persistenceId: null },
});

function tab() { return yasgui.getTab(); }
function editor() { return tab().getYasqe(); }

// The download and share links always hold the query in the editor.
function updateLinks() {
  const query = editor().getValue();
  for (const format of ["csv", "tsv", "json"]) {
    document.getElementById("download-" + format).href = "/sparql?" + new URLSearchParams({ format, query });
  }
  document.getElementById("share").href = "/query?" + new URLSearchParams({ query });
}

let marked = null;
function clearProblem() {
  problem.hidden = true; problem.textContent = "";
  if (marked !== null) { editor().removeLineClass(marked, "background", "syntax-error-line"); marked = null; }
}

function showProblem(text) {
  problem.textContent = text; problem.hidden = false;
  const at = /line (\d+), column (\d+)/.exec(text);
  if (at) {
    const line = Number(at[1]) - 1, column = Number(at[2]) - 1;
    marked = editor().addLineClass(line, "background", "syntax-error-line");
    editor().setCursor({ line, ch: column });
  }
}

// What YASGUI leaves out for keyboard and screen-reader users (found by axe-core): a name for
// the editor's text area and keyboard access to its scrolling area.
function accessible() {
  for (const area of host.querySelectorAll(".CodeMirror textarea")) area.setAttribute("aria-label", host.getAttribute("aria-label"));
  for (const scroller of host.querySelectorAll(".CodeMirror-scroll")) scroller.setAttribute("tabindex", "0");
}

function watch(current) {
  const yasqe = current.getYasqe();
  accessible();
  yasqe.on("change", updateLinks);
  yasqe.on("query", () => { clearProblem(); status.className = ""; status.textContent = said.running; });
  yasqe.on("queryResponse", (_, response, duration) => {
    // A query superseded by another (YASGUI aborts the first) is no error to show.
    if (response && response.name === "AbortError") return;
    const error = response && (response.status >= 400 || response instanceof Error);
    if (error) {
      status.className = "error";
      status.textContent = said.error;  // YASQE keeps the message of a failed answer, not its status
      const body = response.response || response;
      showProblem(typeof body.text === "string" ? body.text : String(body.message || body));
      return;
    }
    const results = current.getYasr().results;
    const rows = results && results.getBindings ? results.getBindings() : null;
    status.className = "";
    status.textContent = rows ? `${rows.length} ${rows.length === 1 ? said.row : said.rows}`
      : (results && results.getBoolean && results.getBoolean() !== undefined ? `${said.answer} ${results.getBoolean()}` : said.done);
    // YASR's table carries this page's class too, so it looks like the site's tables.
    for (const table of host.querySelectorAll("table.dataTable")) table.classList.add("results");
  });
  current.getYasr().on("drawn", () => {
    accessible();
    for (const table of host.querySelectorAll("table.dataTable")) table.classList.add("results");
  });
}

watch(tab());
yasgui.on("tabChange", () => { watch(tab()); updateLinks(); });
updateLinks();

catalogue.addEventListener("change", () => {
  const option = catalogue.selectedOptions[0];
  if (option && option.dataset.query) { editor().setValue(option.dataset.query); clearProblem(); }
});
document.getElementById("run").addEventListener("click", () => editor().query());

// A shared link (/query?query=…, or /sparql?query=… opened in a browser) shows its results at
// once: YASGUI reads ?query= as its own share link and runs it, so it is not run again here.
