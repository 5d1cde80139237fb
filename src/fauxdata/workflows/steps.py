"""The steps of the source workflows (``mock``, ``scan``, ``init``) that may ask: which
project, which source, extract or reuse, which template, which columns are PII, which
inferred keys to keep, how many rows. Each step takes its option's value first and asks
through the ``Dialogue`` only when the option is absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.workflows.events import Dialogue, TableView, confirm, pick


def parse_pairs(values: list[str] | None, flag: str, example: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a mapping.

    Raises:
        FauxdataError: a value without ``=`` or without a key, naming the flag.
    """
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, item = value.partition("=")
        if not sep or not key.strip():
            raise FauxdataError(f"{flag} {value}: expected KEY=VALUE", path=flag, hint=example)
        out[key.strip()] = item.strip()
    return out


def show_findings(dialogue: Dialogue, findings: list[Any], title: str) -> None:
    """PII findings as a table (evidence is the name or the pattern, never a value)."""
    if not findings:
        dialogue.note(f"{title}: no personal data found by name or value")
        return
    rows = tuple(
        (f"{f.table}.{f.column}", f.category, f"{f.confidence:.0%}", f.basis, f.evidence)
        for f in findings
    )
    dialogue.table(
        TableView(title, ("column", "category", "confidence", "basis", "evidence"), rows)
    )


def confirm_keys(dialogue: Dialogue, extraction: Any, yes: bool) -> Any:
    """Show the foreign keys guessed from names; keep them unless the user declines."""
    from fauxdata.extract import without_inferred_keys

    keys = extraction.inferred_keys
    if not keys:
        return extraction
    dialogue.note(f"{len(keys)} foreign keys inferred from field names:")
    for key in keys:
        dialogue.note(
            f"  {key.table}.{key.column} -> {key.parent}.{key.parent_column} ({key.reason})"
        )
    if confirm(dialogue, f"Keep these {len(keys)} foreign keys?", yes):
        return extraction
    dialogue.note("Dropped the inferred foreign keys; those columns get plain generators.")
    return without_inferred_keys(extraction)


def locate(
    dialogue: Dialogue, name: str, project_arg: Path | None, by_hand: dict[str, Any]
) -> tuple[Any, Any]:
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
            project = _which(dialogue, found, name) if found else load_project()
        try:
            return project, find_source(project, name)
        except SourceNotFoundError as missing:
            if by_hand.get("type") or by_hand.get("url"):
                return project, source_by_hand(dialogue, name, by_hand)
            if not dialogue.interactive():
                missing.hint = (
                    f"{missing.hint}; or give it by hand: --type rest --url https://... "
                    "--endpoint /path [--token env:VAR], or --type database --url env:VAR"
                )
                raise
            dialogue.note(f"No source document for '{name}' ({missing.hint}).")
            if dialogue.yes_no(f"Is '{name}' the right source name?", "--type", default=False):
                return project, source_by_hand(dialogue, name, by_hand)
            name = dialogue.text("Source name", "SOURCE")


def _which(dialogue: Dialogue, found: list[Any], name: str) -> Any:
    if len(found) == 1:
        return found[0]
    dialogue.note(f"Source '{name}' is documented in {len(found)} projects:")
    options = [(p.name, _project_label(p)) for p in found]
    chosen = dialogue.choose("Which project", options, "--project NAME")
    return next(p for p in found if p.name == chosen)


def _project_label(project: Any) -> str:
    try:
        return str(project.root.relative_to(Path.cwd()))
    except ValueError:
        return str(project.root)


def source_by_hand(dialogue: Dialogue, name: str, given: dict[str, Any]) -> Any:
    """A source from ``--type``, ``--url``, ``--endpoint``, ``--token``, asking for the rest.

    Raises:
        FauxdataError: a literal token (only references are accepted) or a bad type.
    """
    from fauxdata.introspect.source import is_reference
    from fauxdata.project import Source

    kind = given.get("type") or dialogue.choose(
        "Source type", [("rest", "REST API"), ("database", "Database (SQL)")], "--type"
    )
    if kind not in ("rest", "database"):
        raise FauxdataError(
            f"--type {kind}: expected rest or database",
            path="--type",
            hint=did_you_mean(kind, ["rest", "database"]),
        )
    if kind == "database":
        url = given.get("url") or dialogue.text(
            "Connection URL or reference (env:VAR, file:PATH, keyvault:VAULT/SECRET)", "--url"
        )
        return Source(name, "database", url, "--url")
    url = given.get("url") or dialogue.text("Base URL (https://...)", "--url")
    endpoints = given.get("endpoints") or [
        e.strip()
        for e in dialogue.text(
            "Endpoints, comma-separated (e.g. /employees, /teams)", "--endpoint"
        ).split(",")
        if e.strip()
    ]
    token = given.get("token")
    if token is None and dialogue.interactive():
        token = (
            dialogue.text(
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
    dialogue: Dialogue,
    project: Any,
    source: str,
    extract_first: bool,
    template: str | None,
    yes: bool,
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
    dialogue.note("Choose workflow:")
    has_own = (own / templates.METADATA).exists()
    choice = dialogue.choose(
        "Enter choice",
        [("extract", "Extract metadata first"), ("template", "Use existing template")],
        "--extract or --template NAME",
        default="2" if has_own else "1",
    )
    if choice in ("1", "extract"):
        return None
    return pick_template(dialogue, existing, source)


def pick_template(dialogue: Dialogue, existing: list[Any], source: str) -> Any:
    """Every template with its extraction date, picked by number or name."""
    rows = tuple(
        (
            str(i),
            t.folder.name,
            str(t.metadata.get("type")),
            f"v{t.version}",
            t.extracted_at,
            str(len(t.metadata.get("entities", {}))),
        )
        for i, t in enumerate(existing, 1)
    )
    columns = ("#", "template", "type", "version", "extracted (UTC)", "entities")
    dialogue.table(TableView("Templates", columns, rows))
    names = [t.folder.name for t in existing]
    default = str(names.index(source) + 1) if source in names else None
    while True:
        answer = dialogue.text("Select template (number or name)", "--template NAME", default)
        picked = pick(answer, [(n, n) for n in names])
        if picked is not None:
            return existing[names.index(picked)]
        hint = did_you_mean(answer, names)
        dialogue.note(f"No template '{answer}'{f' ({hint})' if hint else ''}.")


def review_pii(dialogue: Dialogue, extraction: Any, flags: dict[str, str], yes: bool) -> Any:
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
    if dialogue.yes_no(
        f"Are these {len(extraction.findings)} PII classifications correct?", "--pii or --yes"
    ):
        return extraction
    for finding in extraction.findings:
        where = f"{finding.table}.{finding.column}"
        answer = dialogue.choose(
            f"{where} is {finding.category}",
            [
                ("keep", f"Keep {finding.category}"),
                ("change", "Change the category"),
                ("none", "Not PII"),
            ],
            f"--pii {where}=CATEGORY",
            default="1",
        )
        if answer in ("none", "3"):
            decisions[(finding.table, finding.column)] = None
        elif answer in ("change", "2"):
            decisions[(finding.table, finding.column)] = _category(
                dialogue, where, list(CATEGORIES)
            )
    reviewed = apply_review(extraction, decisions)
    kept = len(reviewed.findings)
    dialogue.note(f"{kept} PII columns confirmed ({len(extraction.findings) - kept} not PII).")
    return reviewed


def _category(dialogue: Dialogue, where: str, categories: list[str]) -> str:
    dialogue.note("Categories: " + ", ".join(categories))
    while True:
        answer = dialogue.text(f"Category for {where}", f"--pii {where}=CATEGORY").lower()
        if answer in categories:
            return answer
        hint = did_you_mean(answer, categories)
        dialogue.note(f"Unknown category '{answer}'{f' ({hint})' if hint else ''}.")


def customise_rows(
    dialogue: Dialogue, counts: dict[str, int], given: bool, yes: bool
) -> dict[str, int]:
    """The default row counts, or the user's: "Customise?" asks one count per entity."""
    if given or yes or not dialogue.interactive():
        return counts
    if not dialogue.yes_no("Customise row counts?", "--rows ENTITY=N", default=False):
        return counts
    return {
        name: dialogue.whole_number(f"Rows for {name}", f"--rows {name}=N", count)
        for name, count in counts.items()
    }


def shown(path: Path) -> str:
    """A path relative to the current folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def location(src: Any) -> str:
    """The source's URL as it may be shown: a database password masked, a reference as is."""
    from fauxdata.extract import connection_reference
    from fauxdata.introspect.api import safe_url

    return safe_url(src.url) if src.type == "rest" else connection_reference(src.url)
