"""The steps of ``fauxdata mock`` that ask: which project, which source, extract or reuse,
which template, which columns are PII, how many rows. Each step takes its flag's value
first and asks only when the flag is absent (see ``prompts``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from fauxdata.cli import prompts
from fauxdata.cli.prompts import console
from fauxdata.errors import FauxdataError, did_you_mean


def locate(name: str, project_arg: Path | None, by_hand: dict[str, Any]) -> tuple[Any, Any]:
    """The project and the source: ``--project``, else every project under the current
    folder that documents the source (asking which when several do); a source nobody
    documents is confirmed by name and then given by hand (``--type``, ``--url``...).

    Raises:
        FauxdataError: the source is unknown and cannot be asked for.
    """
    from fauxdata.project import (
        SourceNotFoundError,
        discover,
        find_source,
        load_project,
        project_named,
    )

    while True:
        if project_arg is not None:
            project = project_named(project_arg)
        else:
            found = discover(name)
            project = _which(found, name) if found else load_project()
        try:
            return project, find_source(project, name)
        except SourceNotFoundError as missing:
            if by_hand.get("type") or by_hand.get("url"):
                return project, source_by_hand(name, by_hand)
            if not prompts.interactive():
                missing.hint = (
                    f"{missing.hint}; or give it by hand: --type rest --url https://... "
                    "--endpoint /path [--token env:VAR], or --type database --url env:VAR"
                )
                raise
            console.print(f"No source document for '{escape(name)}' ({escape(missing.hint)}).")
            if prompts.yes_no(f"Is '{name}' the right source name?", "--type", default=False):
                return project, source_by_hand(name, by_hand)
            name = prompts.text("Source name", "SOURCE")


def _which(found: list[Any], name: str) -> Any:
    if len(found) == 1:
        return found[0]
    console.print(f"Source '{escape(name)}' is documented in {len(found)} projects:")
    options = [(p.name, _project_label(p)) for p in found]
    chosen = prompts.numbered("Which project", options, "--project NAME")
    return next(p for p in found if p.name == chosen)


def _project_label(project: Any) -> str:
    try:
        return str(project.root.relative_to(Path.cwd()))
    except ValueError:
        return str(project.root)


def source_by_hand(name: str, given: dict[str, Any]) -> Any:
    """A source from ``--type``, ``--url``, ``--endpoint``, ``--token``, asking for the rest.

    Raises:
        FauxdataError: a literal token (only references are accepted) or a bad type.
    """
    from fauxdata.introspect.source import is_reference
    from fauxdata.project import Source

    kind = given.get("type") or prompts.numbered(
        "Source type", [("rest", "REST API"), ("database", "Database (SQL)")], "--type"
    )
    if kind not in ("rest", "database"):
        raise FauxdataError(
            f"--type {kind}: expected rest or database",
            path="--type",
            hint=did_you_mean(kind, ["rest", "database"]),
        )
    if kind == "database":
        url = given.get("url") or prompts.text(
            "Connection URL or reference (env:VAR, file:PATH, keyvault:VAULT/SECRET)", "--url"
        )
        return Source(name, "database", url, "--url")
    url = given.get("url") or prompts.text("Base URL (https://...)", "--url")
    endpoints = given.get("endpoints") or [
        e.strip()
        for e in prompts.text(
            "Endpoints, comma-separated (e.g. /employees, /teams)", "--endpoint"
        ).split(",")
        if e.strip()
    ]
    token = given.get("token")
    if token is None and prompts.interactive():
        token = (
            prompts.text(
                "Token reference (env:VAR, file:PATH or keyvault:VAULT/SECRET; Enter for none)",
                "--token",
                default="",
            )
            or None
        )
    if token is not None and not is_reference(token):
        raise FauxdataError(
            "the token must be a reference, never the secret itself",
            path="--token",
            hint="env:VAR, file:PATH or keyvault:VAULT/SECRET",
        )
    source = Source.api(name, url, endpoints, token, {})
    source.found_in = "--type rest"
    return source


def choose_template(
    project: Any, source: str, extract_first: bool, template: str | None, yes: bool
) -> Any:
    """The template to use, or None to extract first.

    ``--extract`` and ``--template NAME|PATH`` answer the numbered workflow question;
    option 2 lists every template of the project with its extraction date.
    """
    from fauxdata import templates

    if template is not None:
        return templates.find_template(project.templates, template)
    if extract_first:
        return None
    own = project.templates / source
    existing = templates.list_templates(project.templates)
    if not existing:
        return None
    if yes:
        if (own / templates.METADATA).exists():
            return templates.load_template(own)
        return None
    console.print("Choose workflow:")
    has_own = (own / templates.METADATA).exists()
    choice = prompts.numbered(
        "Enter choice",
        [("extract", "Extract metadata first"), ("template", "Use existing template")],
        "--extract or --template NAME",
        default="2" if has_own else "1",
    )
    if choice in ("1", "extract"):
        return None
    return pick_template(existing, source)


def pick_template(existing: list[Any], source: str) -> Any:
    """Every template with its extraction date, picked by number or name."""
    table = Table(title="Templates", title_justify="left")
    for column in ("#", "template", "type", "version", "extracted (UTC)", "entities"):
        table.add_column(column)
    for i, t in enumerate(existing, 1):
        table.add_row(
            str(i), t.folder.name, str(t.metadata.get("type")), f"v{t.version}",
            t.extracted_at, str(len(t.metadata.get("entities", {}))),
        )  # fmt: skip
    console.print(table)
    names = [t.folder.name for t in existing]
    default = str(names.index(source) + 1) if source in names else None
    while True:
        answer = prompts.text("Select template (number or name)", "--template NAME", default)
        picked = prompts.pick(answer, [(n, n) for n in names])
        if picked is not None:
            return existing[names.index(picked)]
        hint = did_you_mean(answer, names)
        console.print(f"No template '{escape(answer)}'{f' ({hint})' if hint else ''}.")


def review_pii(extraction: Any, flags: dict[str, str], yes: bool) -> Any:
    """Confirm the PII columns: ``--pii TABLE.COLUMN=CATEGORY|none`` or ``--yes`` keep
    the scanner's findings as amended; else one question, and on "no" one per column
    (keep, change the category, or not PII)."""
    from fauxdata.extract import review_pii as apply_review
    from fauxdata.pii.categories import CATEGORIES

    decisions: dict[tuple[str, str], str | None] = {}
    for key, value in flags.items():
        tname, dot, cname = key.partition(".")
        if not dot:
            raise FauxdataError(f"--pii {key}: expected TABLE.COLUMN=CATEGORY", path="--pii")
        decisions[(tname, cname)] = None if value.lower() in ("none", "no", "") else value
    if flags or yes or not extraction.findings:
        return apply_review(extraction, decisions)
    if prompts.yes_no(
        f"Are these {len(extraction.findings)} PII classifications correct?", "--pii or --yes"
    ):
        return extraction
    for finding in extraction.findings:
        where = f"{finding.table}.{finding.column}"
        answer = prompts.numbered(
            f"{where} is {finding.category}",
            [("keep", f"Keep {finding.category}"), ("change", "Change the category"), ("none", "Not PII")],
            f"--pii {where}=CATEGORY",
            default="1",
        )  # fmt: skip
        if answer in ("none", "3"):
            decisions[(finding.table, finding.column)] = None
        elif answer in ("change", "2"):
            decisions[(finding.table, finding.column)] = _category(where, list(CATEGORIES))
    reviewed = apply_review(extraction, decisions)
    kept = len(reviewed.findings)
    console.print(f"{kept} PII columns confirmed ({len(extraction.findings) - kept} not PII).")
    return reviewed


def _category(where: str, categories: list[str]) -> str:
    console.print("Categories: " + ", ".join(categories))
    while True:
        answer = prompts.text(f"Category for {where}", f"--pii {where}=CATEGORY").lower()
        if answer in categories:
            return answer
        hint = did_you_mean(answer, categories)
        console.print(f"Unknown category '{escape(answer)}'{f' ({hint})' if hint else ''}.")


def customise_rows(counts: dict[str, int], given: bool, yes: bool) -> dict[str, int]:
    """The default row counts, or the user's: "Customise?" asks one count per entity."""
    if given or yes or not prompts.interactive():
        return counts
    if not prompts.yes_no("Customise row counts?", "--rows ENTITY=N", default=False):
        return counts
    return {
        name: prompts.whole_number(f"Rows for {name}", f"--rows {name}=N", count)
        for name, count in counts.items()
    }
