"""The ``peersupport`` command line.

Subcommands: ``context`` (regenerate the JSON-LD context), ``template`` (regenerate the
spreadsheet template: Table Schema, .xlsx, README), ``docs`` (HTML documentation),
``check`` (the vocabulary's and shapes' pitfalls, HermiT consistency; ``--datacube``: the survey
cubes' W3C integrity constraints), ``classify`` (what described roles read as), ``validate``
(SHACL report on role descriptions), ``query`` (a research question), ``generate`` (synthetic
data), ``serve`` (the web service, its options from ``peersupport.settings``), ``load`` (files
into a remote SPARQL engine, one named graph each).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph

from peersupport import __version__
from peersupport.validation.commands import cmd_classify, cmd_convert, cmd_validate, read_inputs
from peersupport.web.documentation import write_docs
from peersupport.vocabulary.graph import load_ontology, write_context


def _cmd_context(args) -> int:
    write_context(load_ontology(), args.output)
    print(f"wrote {args.output}")
    return 0


def _cmd_template(args) -> int:
    from peersupport.validation.template import write_templates

    for path in write_templates(args.output):
        print(f"wrote {path}")
    return 0


def _cmd_docs(args) -> int:
    page = write_docs(load_ontology(), args.output)
    print(f"wrote {page}")
    return 0


def _cmd_check(args) -> int:
    if args.datacube is not None:
        return _check_datacube(args.datacube)
    problems = _pitfalls()
    for check, found in problems.items():
        print(f"{check}:\n  " + "\n  ".join(found))
    if not problems:
        from peersupport.vocabulary.oops import CHECKED, COVERED_ELSEWHERE

        print("pitfalls: none in the vocabulary or the shapes (OOPS! critical and important pitfalls checked: "
              + ", ".join(sorted([*CHECKED, *COVERED_ELSEWHERE])) + ")")
    if args.no_reasoner:
        return 1 if problems else 0
    from peersupport.vocabulary.reasoning import ReasonerUnavailable, check_ontology

    try:
        result = check_ontology()
    except ReasonerUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not result.consistent:
        print("inconsistent: the vocabulary has no model")
        return 1
    if result.unsatisfiable:
        print("unsatisfiable classes:\n  " + "\n  ".join(result.unsatisfiable))
        return 1
    print("consistent; no unsatisfiable classes")
    return 1 if problems else 0


def _pitfalls() -> dict[str, list[str]]:
    """The pitfall checks' problems on the shipped vocabulary and shapes, by check name."""
    from peersupport.resources import data_dir
    from peersupport.vocabulary import pitfalls
    from peersupport.vocabulary.oops import oops

    shapes = Graph()
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        shapes.parse(path)
    vocabulary = load_ontology()
    found = pitfalls.lint(vocabulary) | oops(vocabulary)
    for check in (pitfalls.unknown_shacl_terms, pitfalls.undocumented_shapes, pitfalls.shapes_against_shacl_shacl):
        if problems := check(shapes):
            found[check.__name__] = problems
    return found


def _check_datacube(paths: list[Path]) -> int:
    """The W3C Data Cube integrity constraints on ``paths`` (default: the bundled survey), with
    the vocabulary's declarations of the component properties."""
    from peersupport.dataset.datacube import integrity_violations
    from peersupport.resources import data_dir
    from peersupport.validation.inputs import InputError

    paths = paths or sorted((data_dir("data") / "consultation-2012").glob("*.ttl"))
    try:
        graph = read_inputs(paths)
    except InputError as error:
        print(f"error: cannot read input: {error}", file=sys.stderr)
        return 2
    violations = integrity_violations(graph + load_ontology())
    print("\n".join(violations) if violations else f"well-formed: no Data Cube integrity violations in {len(paths)} files")
    return 1 if violations else 0


def _cmd_serve(args) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from peersupport.logs import configure
    from peersupport.settings import TABLE, SettingError, Settings

    try:
        settings = Settings.load(**{setting.name: getattr(args, setting.name) for setting in TABLE})
    except SettingError as error:
        print(f"peersupport serve: {error}", file=sys.stderr)
        return 2
    configure(settings.log_level, settings.log_format)
    if settings.sparql_endpoint and settings.data:
        print(f"peersupport serve: --data is not served in remote mode (the engine at {settings.sparql_endpoint} answers "
              "the queries): load the files into it with peersupport load --to URL FILE…, then serve without --data",
              file=sys.stderr)
        return 2
    # The app is imported and built on a thread while the store loads in another process (0.5 s
    # off the start); the store is loaded on this thread, which lives as long as the server.
    with ThreadPoolExecutor(1) as background:
        app = background.submit(_web_app, settings)
        if not settings.sparql_endpoint:
            # Load before the server starts, so a broken file is reported plainly instead of as a failed start-up.
            from peersupport.sparql.embedded import prestart
            from peersupport.store.loading import LoadError

            try:
                prestart(settings)
            except LoadError as error:
                print(f"peersupport serve: {error}", file=sys.stderr)
                return 2
    import uvicorn

    # The package's own access log replaces uvicorn's; log_config=None keeps configure()'s handlers.
    uvicorn.run(app.result(), host=settings.host, port=settings.port, log_config=None, access_log=False,
                log_level=settings.log_level)
    return 0


def _web_app(settings):
    import uvicorn  # noqa: F401  (imported here, off the wait for the store)

    from peersupport.web.app import create_app

    return create_app(settings)


def _cmd_load(args) -> int:
    from peersupport.store.graph_store import RemoteLoadError, load_to
    from peersupport.store.loading import extra_files, project_files

    try:
        files = (project_files() if args.bundled or not args.files else []) + (extra_files(args.files) if args.files else [])
        engine, summary = load_to(args.to, args.engine, files, args.timeout, lambda line: print(line, file=sys.stderr))
    except (ValueError, RemoteLoadError) as error:
        print(f"peersupport load: {error}", file=sys.stderr)
        return 2 if isinstance(error, ValueError) else 1
    print(f"{engine.name} at {args.to}: {summary.text()}")
    return 0


def _add_settings(parser: argparse.ArgumentParser) -> None:
    """One option per row of the settings table."""
    from peersupport.settings import TABLE

    for setting in TABLE:
        shown = setting.default if setting.default not in (None, ()) else "none"
        options = {"help": f"{setting.help} (default: {shown}; environment: {setting.env})", "default": None,
                   "metavar": setting.metavar or ("{" + ",".join(setting.choices) + "}" if setting.choices else None)}
        if setting.name == "data":
            parser.add_argument(setting.flag, type=_existing_path, action="append", **options)
        else:
            parser.add_argument(setting.flag, type=_argument_type(setting), **options)


def _argument_type(setting):
    from peersupport.settings import SettingError

    def read(text: str):
        try:
            return setting.read(text)
        except SettingError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return read


def _cmd_query(args) -> int:
    from peersupport.sparql.catalogue import ParameterError, catalogue, find

    if args.list or not args.name:
        for query in catalogue():
            params = ", ".join(f"{p.name}={p.default}" for p in query.parameters)
            print(f"{query.name}  ({params})\n    {query.title}")
        return 0
    query = find(args.name)
    if query is None:
        print(f"peersupport query: no catalogue query named {args.name!r}; see peersupport query --list", file=sys.stderr)
        return 2
    given = {}
    for pair in args.param:
        name, equals, value = pair.partition("=")
        if not equals:
            print(f"peersupport query: --param {pair!r}: write it as NAME=VALUE", file=sys.stderr)
            return 2
        given[name] = value
    try:
        text = query.bind(given)
    except ParameterError as error:
        print(f"peersupport query: {error}", file=sys.stderr)
        return 2
    from peersupport.errors import ServiceError

    try:
        reply = _run_catalogue_query(text, args)
    except ServiceError as error:
        print(f"peersupport query: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(_format_rows(reply.body) if args.output == "table" else reply.body.decode("utf-8"))
    return 0


_QUERY_OUTPUTS = {"table": "application/sparql-results+json", "json": "application/sparql-results+json",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}


def _run_catalogue_query(text: str, args):
    from peersupport.sparql.execution import run_query
    from peersupport.sparql.jobs import QueryJob

    job = QueryJob(query=text, accept=_QUERY_OUTPUTS[args.output])
    if args.sparql_endpoint:
        from peersupport.sparql.remote import RemoteEndpoint

        return RemoteEndpoint(args.sparql_endpoint, timeout=60.0, max_rows=1_000_000, engine=args.engine).execute(job)
    import pyoxigraph as ox

    from peersupport.store.loading import prepare_store, project_files

    if args.verbose:
        from peersupport.logs import configure

        configure("info")
    generation = prepare_store(args.store, project_files())
    return run_query(ox.Store.read_only(str(generation)), job, max_rows=1_000_000)


def _format_rows(body: bytes) -> str:
    """SPARQL JSON results as an aligned text table."""
    import json

    results = json.loads(body)
    if "boolean" in results:
        return f"{str(results['boolean']).lower()}\n"
    names = results["head"]["vars"]
    rows = [[row.get(n, {}).get("value", "") for n in names] for row in results["results"]["bindings"]]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cmd_generate(args) -> int:
    from peersupport.dataset.generate import write

    try:
        tally = write(args.output, orgs=args.orgs, seed=args.seed, failure_share=args.failure_share)
    except ValueError as error:
        print(f"peersupport generate: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}: " + tally.summary(), file=sys.stderr)
    return 0


def _existing_path(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file or folder")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peersupport", description="Peer-support vocabulary, shapes and service.")
    parser.add_argument("--version", action="version", version=f"peersupport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    context = sub.add_parser("context", help="regenerate the JSON-LD context from the vocabulary")
    context.add_argument("--output", type=Path, default=Path("ontology/context.jsonld"))
    context.set_defaults(run=_cmd_context)

    template = sub.add_parser("template", help="regenerate the spreadsheet template (roles.schema.json, roles.xlsx, "
                                               "README.md) from the vocabulary")
    template.add_argument("--output", type=Path, default=Path("data/templates"), help="the folder holding roles.csv")
    template.set_defaults(run=_cmd_template)

    docs = sub.add_parser("docs", help="write the vocabulary's documentation page (English index.html, French index.fr.html) and the files it links to")
    docs.add_argument("--output", type=Path, default=Path("build/docs"), help="folder to write the documentation into")
    docs.set_defaults(run=_cmd_docs)

    check = sub.add_parser("check", help="check the vocabulary and shapes for pitfalls, and the vocabulary with the "
                                         "HermiT reasoner (needs Java); exit 1 when a problem is found")
    check.add_argument("--no-reasoner", action="store_true", help="only the pitfall checks (no Java needed)")
    check.add_argument("--datacube", nargs="*", type=_existing_path, metavar="FILE", default=None,
                       help="instead, check the W3C Data Cube integrity constraints (IC-1 to IC-21) on these files "
                            "(default: the bundled survey)")
    check.set_defaults(run=_cmd_check)

    classify = sub.add_parser("classify", help="what described roles read as, by OWL reasoning (needs Java); exit 1 "
                                               "when some evidence contradicts itself, 2 for unreadable input")
    classify.add_argument("files", nargs="+", type=Path, metavar="FILE")
    classify.set_defaults(run=cmd_classify)
    from peersupport.sparql.engines import NAMES

    validate = sub.add_parser(
        "validate", help="check role descriptions against the shapes (exit 0 conforms, 1 violations, 2 unreadable input)")
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE")
    validate.add_argument("--endpoint", metavar="URL", help="validate graphs of the SPARQL engine at URL (read with "
                                                             "CONSTRUCT, nothing written there) instead of files")
    validate.add_argument("--graph", action="append", metavar="IRI", help="a graph of the engine to validate "
                                                                           "(repeatable; default: all its graphs)")
    validate.add_argument("--engine", choices=("auto",) + NAMES, default="auto",
                          help="the engine at --endpoint (default: told from its answers); credentials as for load")
    validate.add_argument("--format", help="turtle, nt, xml, json-ld, csv, xlsx or ods (default: from the file name, else the content)")
    validate.add_argument("--output", choices=("text", "json", "turtle", "html", "csv"), default="text",
                          help="csv: one row per problem (role, row, column, mark, status, severity, message, fix)")
    validate.add_argument("--lang", choices=("en", "fr"), default="en")
    validate.add_argument("--no-classify", action="store_true", help="skip the OWL reading of each role")
    validate.set_defaults(run=cmd_validate)
    convert = sub.add_parser("convert", help="write a spreadsheet (or any input the validator reads) as Turtle: the RDF "
                                             "the checks read, to reuse the data with any RDF tool (exit 2 for unreadable input)")
    convert.add_argument("file", type=Path, metavar="FILE")
    convert.add_argument("--format", help="turtle, nt, xml, json-ld, csv, xlsx or ods (default: from the file name, else the content)")
    convert.set_defaults(run=cmd_convert)
    serve = sub.add_parser("serve", help="run the service: SPARQL endpoint, validator, vocabulary (embedded store)")
    _add_settings(serve)
    serve.set_defaults(run=_cmd_serve)

    load = sub.add_parser("load", help="load files into a remote SPARQL engine, one named graph per file (Graph Store "
                                       "protocol); files unchanged since the last load are skipped")
    load.add_argument("files", nargs="*", type=_existing_path, metavar="FILE",
                      help="RDF files or folders, as local/… graphs (default: the bundled graphs)")
    load.add_argument("--to", required=True, metavar="URL", help="the engine's SPARQL query endpoint")
    load.add_argument("--engine", choices=("auto",) + NAMES, default="auto",
                      help="the engine (default: told from its answers); credentials come from PEERSUPPORT_ENGINE_USER "
                           "and PEERSUPPORT_ENGINE_PASSWORD or PEERSUPPORT_ENGINE_TOKEN, never from the command line")
    load.add_argument("--bundled", action="store_true", help="the bundled graphs too, when files are given")
    load.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="for each request (default 600)")
    load.set_defaults(run=_cmd_load)

    query = sub.add_parser("query", help="run a catalogue query (research question) on the shipped data")
    query.add_argument("name", nargs="?", metavar="NAME", help="the query's name (see --list)")
    query.add_argument("--list", action="store_true", help="list the catalogue with each query's parameters")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter (repeatable)")
    query.add_argument("--output", choices=tuple(_QUERY_OUTPUTS), default="table")
    query.add_argument("--store", type=Path, default=Path("store"), help="store folder (default ./store)")
    query.add_argument("--sparql-endpoint", default=None, help="ask this SPARQL endpoint instead of the embedded store")
    query.add_argument("--engine", choices=("auto",) + NAMES, default="auto", help="the engine behind --sparql-endpoint "
                                                                                  "(default: told from its answers)")
    query.add_argument("--verbose", action="store_true", help="show store loading progress")
    query.set_defaults(run=_cmd_query)

    generate = sub.add_parser("generate", help="write synthetic organisations and roles (for benchmarks and load tests)")
    generate.add_argument("--orgs", type=int, required=True, help="number of organisations (hosted projects included)")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--failure-share", type=float, default=0.2,
                          help="share of peer-support claims made to fail each mark (default 0.2)")
    generate.add_argument("--output", type=Path, required=True, help="file to write (.nt or .ttl)")
    generate.set_defaults(run=_cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader (head, less) went away: not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
