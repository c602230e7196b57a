"""The ``rightsgraph`` command line.

Exit codes, as pySHACL documents its own: 0 success, 1 a graph that does not conform,
2 a usage or input error.  A user error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rightsgraph import __version__
from rightsgraph.errors import GraphDoesNotConform, InputError


class RightsgraphGroup(click.Group):
    """Turns :class:`InputError` and click's usage errors into one line on stderr and exit code 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def]
        """click's own usage report is four lines (usage, hint, blank, error); users get one."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "rightsgraph"
            click.echo(f"rightsgraph: error: {exc.format_message()} (see `{where} --help`)", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"rightsgraph: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C at a prompt: the shell's code for SIGINT, as elsewhere
            click.echo("rightsgraph: interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"rightsgraph: error: {exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("rightsgraph: interrupted", err=True)
            sys.exit(130)


@click.group(cls=RightsgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rightsgraph")
def main() -> None:
    """Human-rights action plans as a linked-data graph of rights, actors and targets."""


@main.command()
@click.argument("texts", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output directory  [default: graph/ of the project]")
@click.option("--plan-id", "plan_ids", multiple=True, help="Plan id for each TEXT, in order (default: from the title, e.g. cn-nhrap-2026-2030).")
@click.option("--period", "periods", multiple=True, help="Period for each TEXT, in order, e.g. 2026-2030 (default: from the title).")
@click.option("--build-date", default=None, help="ISO date-time recorded as the build's end (omitted by default, so rebuilds are byte-identical).")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Check the graph against shapes/ before writing; refuse to write one that does not conform.")
@click.option("-v", "--verbose", is_flag=True, help="Report what was detected and parsed.")
def build(texts: tuple[Path, ...], out_dir: Path | None, plan_ids: tuple[str, ...], periods: tuple[str, ...], build_date: str | None, validate: bool, verbose: bool) -> None:
    """Parse plan texts and write the RDF graph (Turtle per plan, all-in-one, N-Triples, TriG)."""
    from rightsgraph.pipeline import build as run_build
    from rightsgraph.vocab import project_root

    if build_date is not None:
        _check_datetime(build_date)
    out = out_dir or project_root() / "graph"
    try:
        result = run_build(list(texts), out, plan_ids, periods, build_date, validate=validate)
    except GraphDoesNotConform as exc:
        click.echo(exc.report, err=True, nl=False)
        click.echo("rightsgraph: error: the graph does not conform to shapes/; nothing was written (--no-validate to write it anyway)", err=True)
        sys.exit(1)
    if verbose:
        for plan in result.plans:
            doc, src = plan.document, plan.document.source
            click.echo(
                f"{plan.info.plan_id}: {src.path} — encoding {src.encoding}, format {src.source_format}, "
                f"line ends {src.line_ending}, layout {doc.layout}, page breaks repaired {doc.page_breaks_repaired}, "
                f"furniture lines removed {src.furniture_removed}",
                err=True,
            )
            click.echo(
                f"{plan.info.plan_id}: {len(doc.chapters)} chapters, {len(doc.sections())} sections, "
                f"{len(doc.commitments())} commitments",
                err=True,
            )
            for line in plan.report:
                click.echo(f"{plan.info.plan_id}: {line}", err=True)
        for path in result.files:
            click.echo(f"wrote {path}", err=True)


def _check_datetime(value: str) -> None:
    from datetime import datetime

    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--build-date {value!r}: expected an ISO date-time such as 2026-06-11T00:00:00") from None


@main.command()
@click.argument("name", required=False)
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path), help="Built graph directory or RDF file  [default: graph/]")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Query parameter, bound as an RDF term.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "ttl"]), default="table", show_default=True, help="table, csv, tsv or json for SELECT queries; ttl for CONSTRUCT and DESCRIBE.")
@click.option("--list", "list_only", is_flag=True, help="List the named queries with their descriptions.")
@click.option("--endpoint", default=None, metavar="URL", help="Run on a remote SPARQL 1.1 endpoint instead of the built graph.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds to wait for --endpoint.")
def query(name: str | None, data: tuple[Path, ...], params: tuple[str, ...], fmt: str, list_only: bool, endpoint: str | None, timeout: float) -> None:
    """Run a named SPARQL query from queries/ (or a .rq file) over the built graph.

    The built graph is loaded into the embedded Oxigraph store (see store.py for why), or the
    query goes to a remote SPARQL endpoint with --endpoint.
    """
    from rightsgraph import query as q
    from rightsgraph.vocab import project_root

    if list_only:
        for named in q.list_queries():
            click.echo(f"{named.name:24} {named.title}: {named.description}")
        return
    if not name:
        raise InputError("missing query name; expected one of the names `rightsgraph query --list` shows")
    named = q.find_query(name)
    pairs = dict(_split_param(p) for p in params)
    if endpoint:
        from rightsgraph.endpoint import run_remote, run_remote_graph

        if fmt == "ttl":
            click.echo(run_remote_graph(named, endpoint, pairs, timeout), nl=False)
            return
        columns, rows = run_remote(named, endpoint, pairs, timeout)
        click.echo(q.render(columns, rows, fmt), nl=False)
        return
    from rightsgraph import store

    embedded = store.load_store(list(data) or [project_root() / "graph"])
    if fmt == "ttl":
        click.echo(store.run_graph(named, embedded, pairs), nl=False)
        return
    columns, rows = store.run(named, embedded, pairs)
    click.echo(q.render(columns, rows, fmt), nl=False)


def _split_param(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise InputError(f"--param {text!r}: expected KEY=VALUE")
    key, value = text.split("=", 1)
    return key.strip(), value


def _register_stage_commands() -> None:
    """Commands that live beside the stage they expose (validate, docs, serve, push)."""
    from rightsgraph.push import push_command
    from rightsgraph.serve import serve_command
    from rightsgraph.validate import validate_command

    main.add_command(validate_command, "validate")
    main.add_command(serve_command, "serve")
    main.add_command(push_command, "push")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output directory  [default: docs/site/]")
@click.option("--readme", is_flag=True, help="Also regenerate the model diagram in README.md.")
def docs(out_dir: Path | None, readme: bool) -> None:
    """Write human-readable documentation of the ontology (HTML) and its class diagram (Mermaid)."""
    from rightsgraph.docs import write_docs
    from rightsgraph.vocab import project_root

    for path in write_docs(out_dir or project_root() / "docs" / "site"):
        click.echo(f"wrote {path}", err=True)
    if readme:
        click.echo(f"wrote {update_readme_diagram(project_root() / 'README.md')}", err=True)


DIAGRAM_START = "<!-- model-diagram:start (generated by `rightsgraph docs --readme`) -->"
DIAGRAM_END = "<!-- model-diagram:end -->"


def readme_diagram_block() -> str:
    from rightsgraph.docs import load_ontology, mermaid_diagram

    return f"{DIAGRAM_START}\n```mermaid\n{mermaid_diagram(load_ontology()).strip()}\n```\n{DIAGRAM_END}"


def update_readme_diagram(readme: Path) -> Path:
    """Replace the README's diagram block with one generated from the ontology."""
    from rightsgraph.publish import write_atomically

    text = readme.read_text(encoding="utf-8")
    start, end = text.find(DIAGRAM_START), text.find(DIAGRAM_END)
    if start < 0 or end < 0:
        raise InputError(f"{readme}: no diagram markers; expected {DIAGRAM_START} … {DIAGRAM_END}")
    write_atomically({readme: text[:start] + readme_diagram_block() + text[end + len(DIAGRAM_END) :]})
    return readme


_register_stage_commands()


if __name__ == "__main__":
    main()
