"""The command line's commands on role descriptions (``peersupport classify``, ``validate`` and
``convert``): files read as the validator reads uploads, or graphs read from an engine, and what
the checks and the reasoner say of them, as text for a terminal or as a report.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, Graph

from peersupport.vocabulary.graph import load_ontology


def read_inputs(paths: list[Path], format_name: str | None = None, readings: list | None = None) -> Graph:
    """All ``paths`` parsed safely into one graph; raises InputError naming the file. The format
    comes from ``format_name``, else the file's name, else its content; ``readings`` (a list)
    receives how each file was read (``inputs.Parsed``)."""
    from peersupport.validation.inputs import InputError, detect_format, format_from_name, read_input

    data = Graph()
    for path in paths:
        fmt = format_from_name(format_name) if format_name else format_from_name(path.name)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise InputError(f"{path.name}: {error.strerror if fmt else 'cannot tell the format; give --format'}") from None
        fmt = fmt or detect_format(raw)
        if fmt is None:
            raise InputError(f"{path.name}: cannot tell the format; give --format")
        try:
            parsed = read_input(raw, fmt, max_bytes=None)  # the user's own files: no upload limit
        except InputError as error:
            located = InputError(f"{path.name}: {error}", hint=error.hint)
            located.line, located.column, located.title = error.line, error.column, error.title
            located.problems = getattr(error, "problems", [])
            raise located from None
        data += parsed.graph
        if readings is not None:
            readings.append(parsed)
    return data


def cmd_classify(args) -> int:
    from rdflib import RDFS

    from peersupport.validation.inputs import InputError
    from peersupport.validation.validate import ROLE_CLASSES
    from peersupport.vocabulary.reasoning import ReasonerUnavailable, ReasoningFailed, classify

    try:
        data = read_inputs(args.files)
    except InputError as error:
        print(f"error: cannot read input: {error}", file=sys.stderr)
        return 2
    roles = sorted({role for cls in ROLE_CLASSES for role in data.subjects(RDF.type, cls)}, key=str)
    if not roles:
        print("no roles found (nothing is an org:Post, org:Role or org:Membership)")
        return 0
    vocabulary = load_ontology()
    try:
        readings = classify(data, roles, ontology=vocabulary)
    except ReasonerUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ReasoningFailed as error:
        print(f"error: the roles could not be read: {error}", file=sys.stderr)
        return 2
    counts = {}
    for role in roles:
        reading = readings[str(role)]
        label = data.value(role, RDFS.label)
        print(f"{label} <{role}>" if label is not None else f"<{role}>")
        for line in _reading_lines(reading, vocabulary):
            print(f"  {line}")
        counts[reading.verdict] = counts.get(reading.verdict, 0) + 1
    words = {"peer-support": "peer support", "not-peer-support": "not peer support", "undetermined": "undetermined",
             "inconsistent": "with inconsistent evidence"}
    summary = ", ".join(f"{counts[v]} {words[v]}" for v in words if v in counts)
    print(f"{len(roles)} role{'s' if len(roles) != 1 else ''}: {summary}")
    contradictory = [r for r in readings.values() if r.inconsistent or r.set_aside]
    if contradictory:
        print("correct the contradicting evidence and classify again")
    return 1 if contradictory else 0


def _reading_lines(reading, vocabulary: Graph) -> list[str]:
    """A role's reading in plain words: the verdict and the marks that decided it, then the more
    specific reading, concerns and what was set aside."""
    from rdflib import RDFS, URIRef

    from peersupport.vocabulary.graph import local_name
    from peersupport.vocabulary.reasoning import PS

    def listing(names):
        names = list(names)
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)

    deciding = reading.deciding()
    if reading.verdict == "inconsistent":
        lines = [f"inconsistent evidence: {reason}" for reason in reading.contradictions]
    elif reading.verdict == "peer-support":
        lines = [f"peer support: {listing(m.mark.name for m in deciding)} all shown"]
    elif reading.verdict == "not-peer-support":
        lines = ["not peer support: " + "; ".join(f"{m.mark.name} contradicted ({local_name(URIRef(m.cls))})" for m in deciding)]
    else:
        shown = [m.mark.name for m in reading.marks if m.status == "shown"]
        lines = [f"undetermined, evidence missing: {listing(m.mark.name for m in deciding)} not recorded"
                 + (f"; {listing(shown)} shown" if shown else "")]
    if reading.reads_as and reading.reads_as not in (str(PS.PeerSupportRole), str(PS.NotPeerSupportRole)):
        lines.append(f"reads as: {local_name(URIRef(reading.reads_as))}")
    for concern in reading.concerns:
        label = next((l for l in vocabulary.objects(URIRef(concern), RDFS.label) if l.language == "en"), None)
        label = label or local_name(URIRef(concern))
        lines.append(f"concern: {label} ({local_name(URIRef(concern))})")
    lines += [f"note: {note}" for note in reading.set_aside]
    lines += [f"unreadable, not used: {value}" for value in reading.unreadable]
    return lines


def cmd_validate(args) -> int:
    from peersupport.errors import Timeout, TooLarge
    from peersupport.validation.inputs import InputError, require_roles
    from peersupport.validation.report import render
    from peersupport.validation.validate import validate_graph

    if bool(args.files) == bool(args.endpoint):
        print("peersupport validate: give FILEs or --endpoint URL (with --graph G for some of its graphs), not both",
              file=sys.stderr)
        return 2
    if args.graph and not args.endpoint:
        print("peersupport validate: --graph names a graph of the engine given by --endpoint", file=sys.stderr)
        return 2
    colour = args.output == "text" and sys.stdout.isatty()
    readings = []
    try:
        if args.endpoint:
            return _validate_remote(args, colour)
        data = read_inputs(args.files, args.format, readings)
        require_roles(readings[0] if len(readings) == 1 else data)
        report = validate_graph(data, classify=not args.no_classify)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        if error.hint != InputError.hint:  # a hint that says more than "correct the data at the place named"
            print(error.hint, file=sys.stderr)
        return 2
    except (TooLarge, Timeout) as error:  # too large for the fallback, or past the time limit
        print(f"error: {error}", file=sys.stderr)
        return 2
    origin = readings[0] if len(readings) == 1 else None  # a spreadsheet's rows and columns, for the advice
    sys.stdout.write(render(report, args.output, args.lang, colour, origin))
    return 0 if report.conforms else 1


def _validate_remote(args, colour: bool) -> int:
    """The report on the graphs named by --graph (all the engine's without it) of the engine at
    --endpoint, validated in batches of ``PEERSUPPORT_REMOTE_BATCH`` nodes (0: read whole, then
    validated as one batch) and written batch by batch (``report.streamed``; HTML is built whole,
    from the merged report). 2, once said, when the engine cannot be read; raises InputError,
    TooLarge and Timeout as validating a file does."""
    from peersupport.settings import SettingError, from_environment
    from peersupport.store.batched_validation import Batch, batches, validate_engine_graphs
    from peersupport.store.remote_graphs import RemoteReadError, read_graphs
    from peersupport.validation.inputs import Parsed, require_roles
    from peersupport.validation.report import render
    from peersupport.validation.report.streamed import STREAMED, StreamedReport
    from peersupport.validation.validate import validate_graph

    classify, streamed = not args.no_classify, None
    try:
        size = from_environment("remote_batch")
        if args.output in STREAMED:
            streamed = StreamedReport(args.output, args.lang, colour)
        else:
            print(f"peersupport validate: the {args.output} report is built whole, so local memory grows with the "
                  f"engine's graph; the {', '.join(STREAMED)} reports are written batch by batch", file=sys.stderr)
        if not size:
            data, graphs = read_graphs(args.endpoint, args.graph or [], args.engine)
            said, report = f"read {len(data)} triples", validate_graph(data, classify=classify)
            if streamed:
                streamed.add(Batch(report))
        elif streamed:
            readings = []
            for batch in batches(args.endpoint, args.graph or [], readings, args.engine, classify, size):
                streamed.add(batch)
            graphs, said = readings[0].graphs, _batches_said(readings[0], size)
        else:
            report, reading = validate_engine_graphs(args.endpoint, args.graph or [], args.engine, classify, size)
            graphs, said = reading.graphs, _batches_said(reading, size)
    except (RemoteReadError, SettingError) as error:
        print(f"peersupport validate: {error}", file=sys.stderr)
        return 2
    print(f"{said} from {len(graphs)} graph{'s' if len(graphs) != 1 else ''} of {args.endpoint}", file=sys.stderr)
    if streamed:
        streamed.finish(sys.stdout)
        return 0 if streamed.totals.conforms else 1
    require_roles(report.data)
    sys.stdout.write(render(report, args.output, args.lang, colour, Parsed(report.data, "turtle")))
    return 0 if report.conforms else 1


def _batches_said(reading, size: int) -> str:
    return (f"validated {reading.nodes} nodes in {reading.batches} batch{'es' if reading.batches != 1 else ''} "
            f"of at most {size} ({reading.triples} triples read)")


def cmd_convert(args) -> int:
    from peersupport.validation.inputs import InputError

    readings = []
    try:
        read_inputs([args.file], args.format, readings)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(readings[0].turtle())
    return 0
