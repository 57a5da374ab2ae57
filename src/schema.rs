//! The JSON Schema (draft 2020-12) of association files, generated from the
//! types of `model` so that it can never drift from what charta accepts.

use crate::model::AssociationFile;

/// The schema as a JSON value.
pub fn association_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(AssociationFile);
    serde_json::to_value(schema).expect("schema serialises")
}

/// The schema, pretty-printed.
pub fn association_schema_json() -> String {
    serde_json::to_string_pretty(&association_schema()).expect("schema serialises")
}
