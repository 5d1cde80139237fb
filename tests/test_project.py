"""Project files, source doc pages and templates: how the mock workflow finds its inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fauxdata import audit, templates
from fauxdata.errors import FauxdataError, SpecError
from fauxdata.guard import environment_in_force
from fauxdata.project import find_source, jdbc_to_url, load_project, source_from_doc

PROJECT = """\
environment: dev
sources:
  hr:
    type: rest
    url: https://api.example.test/v1
    endpoints: [/employee, compensation]
    token: env:HR_TOKEN
    rows: {employees: 200}
  crm:
    type: database
    url: env:CRM_URL
    schema: sales
"""


def test_sources_come_from_the_project_file(tmp_path):
    (tmp_path / "fauxdata.yaml").write_text(PROJECT)
    project = load_project(tmp_path)
    hr = find_source(project, "hr")
    assert (hr.type, hr.url, hr.endpoints) == (
        "rest",
        "https://api.example.test/v1",
        ["/employee", "/compensation"],
    )
    assert hr.token == "env:HR_TOKEN" and hr.rows == {"employees": 200}
    assert hr.found_in == "fauxdata.yaml: sources.hr"
    assert hr.default_output == "delta:bronze/hr"
    crm = find_source(project, "crm")
    assert (crm.type, crm.url, crm.schema) == ("database", "env:CRM_URL", "sales")


def test_a_secret_in_the_project_file_is_refused(tmp_path):
    (tmp_path / "fauxdata.yaml").write_text(PROJECT.replace("env:HR_TOKEN", "s3cr3t-t0ken"))
    with pytest.raises(SpecError) as caught:
        load_project(tmp_path)
    text = str(caught.value)
    assert "sources.hr.token" in text and "never the secret itself" in text


def test_project_file_errors_name_the_path_and_suggest(tmp_path):
    (tmp_path / "fauxdata.yaml").write_text(PROJECT.replace("endpoints:", "endpoint:"))
    with pytest.raises(SpecError) as caught:
        load_project(tmp_path)
    assert "sources.hr.endpoint: unknown key 'endpoint'" in str(caught.value)
    assert "endpoints" in str(caught.value)


def test_an_unknown_source_suggests_the_closest(tmp_path):
    (tmp_path / "fauxdata.yaml").write_text(PROJECT)
    with pytest.raises(FauxdataError, match="no source 'hrr'") as caught:
        find_source(load_project(tmp_path), "hrr")
    assert "hr" in caught.value.hint


@pytest.mark.parametrize(
    ("page", "kind", "url"),
    [
        (
            "# Workday\n\nBase URL: https://api.workday.example/v2\nAuth: env:WD_TOKEN\n\n"
            "## Endpoints\n- GET /workers\n- `GET /positions`\n",
            "rest",
            "https://api.workday.example/v2",
        ),
        (
            "**JDBC:** `jdbc:postgresql://db.internal:5432/crm?user=reader&password=x&ssl=true`\n",
            "database",
            "postgresql://reader@db.internal:5432/crm?ssl=true",
        ),
        (
            "Connection String: env:ERP_DATABASE_URL\n",
            "database",
            "env:ERP_DATABASE_URL",
        ),
    ],
)
def test_source_type_from_its_doc_page(tmp_path, page, kind, url):
    doc = tmp_path / "docs" / "sources" / "thing.md"
    doc.parent.mkdir(parents=True)
    doc.write_text(page)
    found = find_source(load_project(tmp_path), "thing")
    assert (found.type, found.url) == (kind, url)
    if kind == "rest":
        assert found.endpoints == ["/workers", "/positions"]
        assert found.token == "env:WD_TOKEN"


def test_a_doc_page_without_a_location_is_an_error(tmp_path):
    doc = tmp_path / "thing.md"
    doc.write_text("# Thing\n\nAsk Bob for access.\n")
    with pytest.raises(FauxdataError, match="cannot tell what kind of source") as caught:
        source_from_doc("thing", doc)
    assert "Base URL" in caught.value.hint


def test_jdbc_urls_drop_the_password():
    assert jdbc_to_url("jdbc:mysql://h:3306/shop?user=u&password=p") == "mysql://u@h:3306/shop"
    assert jdbc_to_url("jdbc:sqlite:/tmp/x.db") == "sqlite:////tmp/x.db"
    with pytest.raises(FauxdataError, match="unsupported JDBC subprotocol 'db2'"):
        jdbc_to_url("jdbc:db2://h/x")


def test_environment_comes_from_fauxdata_env_first(tmp_path, monkeypatch):
    (tmp_path / "fauxdata.yaml").write_text(PROJECT)
    project = load_project(tmp_path)
    declared = project.config.environment
    monkeypatch.delenv("FAUXDATA_ENV", raising=False)
    assert environment_in_force(declared, project.file_name) == ("dev", "fauxdata.yaml")
    monkeypatch.setenv("FAUXDATA_ENV", "prod")
    assert environment_in_force(declared, project.file_name) == ("prod", "FAUXDATA_ENV")


def _metadata(source: str = "hr") -> dict[str, object]:
    return {
        "source": source,
        "type": "rest",
        "base_url": "https://api.example.test/v1",
        "extracted_at": audit.now_utc(),
        "entities": {"employees": {"rows": 200, "bronze_table": "bronze_hr_employees"}},
    }


def test_templates_are_versioned_and_keep_the_previous_version(tmp_path):
    first = templates.save_template(tmp_path, _metadata(), "name: hr\n")
    assert first.version == 1 and first.spec_path.read_text() == "name: hr\n"
    second = templates.save_template(tmp_path, _metadata(), "name: hr  # v2\n")
    assert second.version == 2
    assert (tmp_path / "hr" / "v1" / "spec.yaml").read_text() == "name: hr\n"
    assert json.loads((tmp_path / "hr" / "v1" / "metadata.json").read_text())["version"] == 1
    listed = templates.list_templates(tmp_path)
    assert [(t.source, t.version) for t in listed] == [("hr", 2)]
    assert listed[0].default_rows() == {"employees": 200}


def test_audit_lines_hold_who_when_and_counts_only(tmp_path):
    saved = templates.save_template(tmp_path, _metadata(), "name: hr\n")
    templates.audit(saved, {"seed": 7, "rows": {"employees": 200}})
    templates.audit(saved, {"seed": 8, "rows": {"employees": 300}})
    lines = templates.audit_lines(saved)
    assert [line["seed"] for line in lines] == [7, 8]
    assert {"at", "user", "template", "template_version"} <= set(lines[0])


def test_a_missing_template_says_how_to_make_one(tmp_path):
    with pytest.raises(FauxdataError, match="no template at") as caught:
        templates.load_template(tmp_path / "nothing")
    assert "--extract" in caught.value.hint


def test_a_broken_template_is_named(tmp_path):
    folder = tmp_path / "hr"
    folder.mkdir()
    (folder / "metadata.json").write_text("{not json")
    with pytest.raises(FauxdataError, match="cannot read template metadata"):
        templates.load_template(folder)
    (folder / "metadata.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(FauxdataError, match="is not a fauxdata template"):
        templates.load_template(folder)


def test_example_project_lists_the_hr_source():
    root = Path(__file__).parent.parent / "examples" / "hr_api"
    hr = find_source(load_project(root), "hr")
    assert hr.type == "rest"
    assert hr.endpoints == ["/employee", "/compensation", "/departments", "/offices", "/teams"]
    assert hr.rows == {
        "employees": 200,
        "compensation": 200,
        "departments": 5,
        "offices": 3,
        "teams": 10,
    }


def test_discovery_finds_the_root_and_every_project_that_documents_a_source(tmp_path):
    from fauxdata.project import discover, project_named

    (tmp_path / "fauxdata.yaml").write_text(PROJECT)
    for name in ("people", "finance"):
        docs = tmp_path / "projects" / name / "docs" / "sources"
        docs.mkdir(parents=True)
        (docs / "hr.md").write_text(
            "- **Base URL:** `https://hr.example.test/api`\n- **Token:** `keyvault:kv/hr-token`\n"
        )
    (tmp_path / "projects" / "finance" / "fauxdata.yaml").write_text("templates: tpl\n")
    found = discover("hr", tmp_path)
    assert [(p.root.name, p.nested) for p in found] == [
        (tmp_path.name, False),
        ("finance", True),
        ("people", True),
    ]
    root, finance, people = found
    assert root.templates == tmp_path / "templates" and root.scripts == tmp_path / "scripts"
    assert finance.templates == tmp_path / "projects" / "finance" / "tpl"
    assert finance.config.environment is None  # its own file declares no environment
    assert people.templates == tmp_path / "projects" / "people" / "docs" / "templates"
    assert people.config.environment == "dev"  # the repository's file applies
    hr = find_source(people, "hr")
    assert (hr.url, hr.token, hr.endpoints) == (
        "https://hr.example.test/api",
        "keyvault:kv/hr-token",
        [],
    )
    assert discover("crm", tmp_path) == [root]
    assert discover("nothing", tmp_path) == []
    assert project_named(Path("people"), tmp_path).root == people.root
    assert project_named(tmp_path / "fauxdata.yaml", tmp_path).root == tmp_path
    with pytest.raises(FauxdataError, match="no project file or project folder") as caught:
        project_named(Path("peple"), tmp_path)
    assert "did you mean 'people'" in caught.value.hint


def test_templates_are_found_by_name_or_folder(tmp_path):
    saved = templates.save_template(
        tmp_path, {"source": "hr", "entities": {}}, "name: hr\ntables: {}\n"
    )
    assert templates.find_template(tmp_path, "hr").folder == saved.folder
    assert templates.find_template(tmp_path, str(saved.folder)).folder == saved.folder
    with pytest.raises(FauxdataError, match="no template 'hrr'") as caught:
        templates.find_template(tmp_path, "hrr")
    assert "did you mean 'hr'" in caught.value.hint
