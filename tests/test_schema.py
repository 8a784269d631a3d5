"""The schema module is the one description of the data: the docs are generated from it and kept current."""

from pathlib import Path

from qcity.store import schema

DOC = Path(__file__).resolve().parent.parent / "docs" / "data" / "tables.md"


def test_data_model_doc_is_generated_from_the_schema():
    assert DOC.read_text(encoding="utf-8") == schema.markdown(), (
        "run: python -m qcity.store.schema > docs/data/tables.md"
    )


def test_every_table_of_the_design_is_there():
    assert set(schema.TABLES) == {
        "districts",
        "sectors",
        "enterprises",
        "inspections",
        "awards",
        "standards",
        "brands",
        "enforcement",
        "special_equipment",
        "construction",
        "diagnosis",
        "targets",
        "events",
        "innovation",
        "test_items",
        "benchmarks",
        "inspection_items",
        "sampling_totals",
    }
    assert schema.TABLES["innovation"].column_names == (
        "year",
        "district_code",
        "invention_patents",
        "high_value_patents",
        "high_tech_enterprises",
    )


def test_keys_and_references_name_real_columns():
    for table in schema.TABLES.values():
        assert set(table.key) <= set(table.column_names), table.name
        for column in table.columns:
            if column.references:
                target, target_column = column.references.split(".")
                assert target_column in schema.TABLES[target].column_names
