"""Command line: `healthradar init | build | serve | demo`. Parsing and display only.

Each command calls one function of `pipeline`, `scaffold`, `demo` or `publish.server`; the CLI
turns a `FatalInputError` into one clear message (French or English) and exit code 2.
"""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from healthradar import __version__
from healthradar.engine import BACKENDS
from healthradar.errors import FatalInputError
from healthradar.i18n import t
from healthradar.workspace import LOCK_FILE, WORK_DIR

if TYPE_CHECKING:
    from healthradar.pipeline import BuildResult

app = typer.Typer(
    help="healthradar: build a reproducible barometer of a health-innovation ecosystem.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

ProjectDir = Annotated[Path, typer.Argument(help="Barometer folder (holds healthradar.toml)")]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of messages and pages: fr or en (default: config)"),
]


def _guess_lang(project_dir: Path, lang: str | None) -> str:
    if lang in ("fr", "en"):
        return lang
    try:
        raw = tomllib.loads((project_dir / "healthradar.toml").read_text(encoding="utf-8"))
        value = raw.get("project", {}).get("lang")
        return value if value in ("fr", "en") else "fr"
    except (OSError, tomllib.TOMLDecodeError):
        return "fr"


def _fatal(exc: FatalInputError, lang: str) -> typer.Exit:
    label = "Erreur" if lang == "fr" else "Error"
    console.print(f"[bold red]{label}:[/] {escape(exc.message(lang))}", highlight=False)
    return typer.Exit(code=2)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def init(
    project_dir: ProjectDir,
    region: Annotated[str, typer.Option(help="COG region code, or FR")] = "84",
    vintage: Annotated[int, typer.Option(help="Year of the barometer")] = 2024,
    lang: Annotated[str, typer.Option(help="fr or en")] = "fr",
) -> None:
    """Create a barometer folder: healthradar.toml and inputs/ with one template per input."""
    from healthradar.scaffold import scaffold

    lang = _check_lang(lang) or "fr"
    try:
        written = scaffold(project_dir, region=region, vintage=vintage, lang=lang)
    except FileExistsError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=2) from None
    except FatalInputError as exc:
        raise _fatal(exc, lang) from None
    for path in written:
        console.print(f"  [green]+[/] {path}")
    console.print(t(lang, "cli_init_next", project=str(project_dir)))


def _check_lang(lang: str | None) -> str | None:
    if lang is not None and lang not in ("fr", "en"):
        console.print(f"[red]--lang must be fr or en, not {lang!r}[/]")
        raise typer.Exit(code=2)
    return lang


EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="duckdb or spark (default: [engine] backend of the config)"),
]


WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        help="Seconds to wait for another build of the project to finish (default: refuse)",
        min=0,
    ),
]


def _housekeeping(result: BuildResult, lang: str) -> None:
    """Say what the start of the build repaired after an interrupted one."""
    done = result.housekeeping
    lock = result.plan.project_dir / WORK_DIR / LOCK_FILE
    if done.stale_pid is not None:
        console.print(f"[yellow]{escape(t(lang, 'cli_stale_lock', pid=done.stale_pid, path=lock))}")
    if done.restored_out:
        console.print(f"[yellow]{escape(t(lang, 'cli_restored_out'))}")
    if done.removed:
        names = ", ".join(done.removed)
        text = t(lang, "cli_removed_leftovers", n=len(done.removed), names=names)
        console.print(f"[yellow]{escape(text)}")


def _run_build(
    project_dir: Path,
    lang: str | None,
    engine: str | None = None,
    wait: float = 0.0,
    strict: bool = False,
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from healthradar.pipeline import build

    ui_lang = _guess_lang(project_dir, _check_lang(lang))
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("preflight", total=None)
        try:
            result = build(
                project_dir,
                hook=lambda stage: progress.update(task, description=stage),
                lang=lang,
                backend=engine,
                wait_seconds=wait,
            )
        except FatalInputError as exc:
            progress.stop()
            raise _fatal(exc, ui_lang) from None
    _housekeeping(result, ui_lang)
    table = Table(title="healthradar build", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for stage, seconds in result.timings.items():
        table.add_row(stage, f"{seconds:.2f}")
    console.print(table)
    recon = Table(title="reconciliation", show_header=True)
    for col in ("file", "read", "integrated", "merged", "rejected", "to resolve", "balanced"):
        recon.add_column(col)
    for row in result.reconciliation:
        recon.add_row(
            row["file"],
            *(str(row[k]) for k in ("rows_read", "integrated", "merged", "rejected", "to_resolve")),
            "✓" if row["balanced"] else "✗",
        )
    console.print(recon)
    for warning in result.warnings:
        console.print(f"[bold yellow]⚠ {escape(warning.message(ui_lang))}[/]", highlight=False)
    console.print(t(ui_lang, "cli_done", path=str(result.out_dir / "index.html")))
    if strict and result.warnings:
        console.print(f"[red]{escape(t(ui_lang, 'cli_strict_failed', n=len(result.warnings)))}")
        raise typer.Exit(code=3)


@app.command()
def build(
    project_dir: ProjectDir,
    lang: LangOption = None,
    engine: EngineOption = None,
    wait: WaitOption = 0.0,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Exit with code 3 when the build has warnings (out/ written)"
        ),
    ] = False,
) -> None:
    """Validate, resolve, enrich, classify, compute the indicators and publish into out/."""
    if engine is not None and engine not in BACKENDS:
        console.print(f"[red]--engine must be one of {', '.join(BACKENDS)}, not {engine!r}[/]")
        raise typer.Exit(code=2)
    _run_build(project_dir, lang, engine, wait, strict)


review_app = typer.Typer(help="Review uncertain matches between partner rows and the register.")
app.add_typer(review_app, name="review")


@review_app.command("accept")
def review_accept(
    project_dir: ProjectDir,
    source: Annotated[
        Path | None,
        typer.Option(help="Filled review file (default: out/review/matches_to_review.csv)"),
    ] = None,
) -> None:
    """Copy the filled decisions of the review file into inputs/review_decisions.csv."""
    from healthradar.resolve.review_io import accept_review_file

    lang = _guess_lang(project_dir, None)
    path = source or project_dir / "out" / "review" / "matches_to_review.csv"
    if not path.is_file():
        console.print(t(lang, "cli_no_review", path=str(path)))
        raise typer.Exit(code=2)
    done = accept_review_file(project_dir, path)
    for problem in done.invalid:
        console.print(f"[yellow]{escape(problem)}[/]")
    console.print(
        t(lang, "cli_review_accepted", added=done.added, replaced=done.replaced,
          skipped=done.skipped, target=str(done.target))
    )  # fmt: skip
    if done.invalid:
        raise typer.Exit(code=1)


@app.command()
def serve(
    project_dir: ProjectDir,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8765,
) -> None:
    """Serve out/ (pages, exports) and the JSON API /api/indicators, read-only."""
    _serve(project_dir, host, port)


def _listen(project_dir: Path, host: str, port: int) -> socket.socket:
    from healthradar.publish.server import listen

    try:
        return listen(host, port)
    except FatalInputError as exc:
        raise _fatal(exc, _guess_lang(project_dir, None)) from None


def _serve(project_dir: Path, host: str, port: int, sock: socket.socket | None = None) -> None:
    from healthradar.publish.server import serve as run_server

    out = project_dir / "out"
    lang = _guess_lang(project_dir, None)
    if not (out / "manifest.json").is_file():
        console.print(t(lang, "cli_no_build", out=str(out), project=str(project_dir)))
        raise typer.Exit(code=2)
    sock = sock or _listen(project_dir, host, port)
    console.print(t(lang, "cli_serving", out=str(out), url=f"http://{host}:{port}/"))
    run_server(out, host=host, port=port, sock=sock)


@app.command()
def demo(
    project_dir: Annotated[Path, typer.Argument(help="Folder for the demo barometer")] = Path(
        "demo-barometer"
    ),
    port: Annotated[int, typer.Option(help="Port")] = 8765,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data")] = 2026,
    lang: LangOption = None,
) -> None:
    """Generate the synthetic demo data, build its barometer and serve it."""
    from healthradar.demo import generate

    # the port is taken before the build, so a busy one is said at once, not after a minute
    sock = _listen(project_dir, "127.0.0.1", port) if serve_after else None
    if not (project_dir / "healthradar.toml").exists():
        console.print(f"Generating synthetic demo data in {project_dir} …")
        generate(project_dir, seed=seed)
    try:
        _run_build(project_dir, lang)
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    if sock is not None:
        _serve(project_dir, "127.0.0.1", port, sock)
