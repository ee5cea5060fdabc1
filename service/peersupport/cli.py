"""The ``peersupport`` command line.

Subcommands: ``context`` (regenerate the JSON-LD context), ``docs`` (HTML documentation),
``check`` (HermiT consistency of the vocabulary), ``classify`` (what described roles read as),
``validate`` (SHACL report on role descriptions), ``serve`` (the web service).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import RDF, Graph

from . import __version__
from .docs import write_docs
from .vocab import load_ontology, write_context


def _cmd_context(args) -> int:
    write_context(load_ontology(), args.output)
    print(f"wrote {args.output}")
    return 0


def _cmd_docs(args) -> int:
    page = write_docs(load_ontology(), args.output)
    print(f"wrote {page}")
    return 0


def _cmd_check(args) -> int:
    from .reason import ReasonerUnavailable, check_ontology

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
    return 0


def _read_inputs(paths: list[Path], format_name: str | None = None) -> Graph:
    """All ``paths`` parsed safely into one graph; raises InputError naming the file."""
    from .inputs import InputError, format_from_name, parse

    data = Graph()
    for path in paths:
        fmt = format_from_name(format_name) if format_name else format_from_name(path.name)
        if fmt is None:
            raise InputError(f"{path.name}: cannot tell the format; give --format")
        try:
            data += parse(path.read_bytes(), fmt)
        except OSError as error:
            raise InputError(f"{path.name}: {error.strerror}") from None
        except InputError as error:
            raise InputError(f"{path.name}: {error}") from None
    return data


def _cmd_classify(args) -> int:
    from .inputs import InputError
    from .reason import ReasonerUnavailable, classify
    from .validate import ROLE_CLASSES

    try:
        data = _read_inputs(args.files)
    except InputError as error:
        print(f"error: cannot read input: {error}", file=sys.stderr)
        return 2
    roles = sorted({role for cls in ROLE_CLASSES for role in data.subjects(RDF.type, cls)})
    try:
        readings = classify(data, roles)
    except ReasonerUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for role, reading in readings.items():
        verdict = reading.reads_as.rsplit("/", 1)[-1] if reading.reads_as else "undetermined (evidence missing)"
        print(f"{role}\n  reads as: {verdict}")
    return 0


def _cmd_validate(args) -> int:
    from .inputs import InputError
    from .report import render
    from .validate import validate_graph

    try:
        data = _read_inputs(args.files, args.format)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = validate_graph(data, classify=not args.no_classify)
    colour = args.output == "text" and sys.stdout.isatty()
    sys.stdout.write(render(report, args.output, args.lang, colour))
    return 0 if report.conforms else 1


def _cmd_serve(args) -> int:
    import uvicorn

    from .app import Settings, create_app
    from .store import extra_files, project_files

    try:
        files = project_files() + extra_files(args.data) if args.data else None
    except ValueError as error:
        print(f"peersupport serve: {error}", file=sys.stderr)
        return 2
    settings = Settings.from_env(store=args.store, timeout=args.timeout, sparql_endpoint=args.sparql_endpoint, files=files)
    if not settings.sparql_endpoint:
        # Load before the server starts, so a broken file is reported plainly instead of as a failed start-up.
        from .store import LoadError, prepare_store

        try:
            prepare_store(settings.store, settings.files)
        except LoadError as error:
            print(f"peersupport serve: {error}", file=sys.stderr)
            return 2
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
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

    docs = sub.add_parser("docs", help="write the HTML documentation of the vocabulary (pyLODE)")
    docs.add_argument("--output", type=Path, default=Path("build/docs"), help="folder to write index.html into")
    docs.set_defaults(run=_cmd_docs)

    check = sub.add_parser("check", help="check the vocabulary with the HermiT reasoner (needs Java)")
    check.set_defaults(run=_cmd_check)

    classify = sub.add_parser("classify", help="what described roles read as, by OWL reasoning (needs Java)")
    classify.add_argument("files", nargs="+", type=Path, metavar="FILE")
    classify.set_defaults(run=_cmd_classify)
    validate = sub.add_parser(
        "validate", help="check role descriptions against the shapes (exit 0 conforms, 1 violations, 2 unreadable input)")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--format", help="turtle, nt, xml, json-ld or csv (default: from the file name)")
    validate.add_argument("--output", choices=("text", "json", "turtle", "html"), default="text")
    validate.add_argument("--lang", choices=("en", "fr"), default="en")
    validate.add_argument("--no-classify", action="store_true", help="skip the OWL reading of each role")
    validate.set_defaults(run=_cmd_validate)
    serve = sub.add_parser("serve", help="run the service: SPARQL endpoint, validator, vocabulary (embedded store)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--store", type=Path, default=None, help="store folder (default: ./store, or PEERSUPPORT_STORE)")
    serve.add_argument("--timeout", type=float, default=None, help="query time limit in seconds (default 10)")
    serve.add_argument("--sparql-endpoint", default=None, help="use this remote SPARQL endpoint instead of the embedded store")
    serve.add_argument("--data", type=_existing_path, action="append", metavar="PATH",
                       help="also serve this RDF file, or every RDF file in this folder, as local/… graphs (repeatable)")
    serve.set_defaults(run=_cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
