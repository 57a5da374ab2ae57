//! `charta schema`: the JSON Schema of association files, on standard output.

use super::{Exit, Ui};

pub fn run(ui: &Ui) -> Exit {
    ui.out(charta::schema::association_schema_json());
    Exit::Ok
}
