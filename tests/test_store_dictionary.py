"""The data dictionary: docs/DATA.md is ``eventwire schema``'s output and covers every column."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire import cli
from eventwire.schema import DESCRIPTION, PARTITION_FIELDS, SCHEMAS
from eventwire.store.dictionary import render

DATA_MD = Path(__file__).resolve().parents[1] / "docs" / "DATA.md"


def test_docs_data_md_is_up_to_date_with_schema_py():
    assert DATA_MD.read_text(encoding="utf-8") == render(), (
        "docs/DATA.md is out of date with schema.py: run `eventwire schema > docs/DATA.md`"
    )


def test_every_column_of_every_dataset_is_described():
    fields = [field for schema in SCHEMAS.values() for field in schema]
    fields += PARTITION_FIELDS.values()
    undescribed = [f.name for f in fields if not (f.metadata or {}).get(DESCRIPTION.encode())]
    assert undescribed == []
    text = render()
    for dataset, schema in SCHEMAS.items():
        section = text.split(f"## `{dataset}`")[1].split("\n## ")[0]
        for name in schema.names:
            assert f"| `{name}` |" in section, (dataset, name)


def test_dictionary_says_what_analysts_get_wrong():
    events = render(["events"])
    rows = {line.split(" | ")[0][3:-1]: line for line in events.splitlines() if "| `" in line}
    assert "not the day the event happened" in rows["dt"]
    assert "lowest figure any source stated" in rows["fatalities"]
    assert "as ACLED" in rows["geo_precision"]
    assert "`reported`, `historical`, `future`" in rows["date_flag"]
    assert "never become events" in rows["negated"]
    assert "capped at 0.95" in rows["confidence"]


def test_schema_command_prints_one_dataset_or_all(capsys):
    assert cli.main(["schema", "quarantine"]) == 0
    out = capsys.readouterr().out
    assert "## `quarantine`" in out and "## `events`" not in out
    assert "| `stage` | string, partition |" in out
    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == DATA_MD.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["schema", "nonsense"])
