//! The integration tests, in one binary (Typst is linked once, not once per
//! file): each module tries a promise of the README from outside, through
//! the library's public API or the `charta` binary; `common` holds the
//! shared helpers.

mod amounts;
mod avenant;
mod batch;
mod boundaries;
mod browser;
mod budget_sheet;
mod check_cases;
mod check_schema;
mod cli;
mod clients;
mod closing;
mod common;
mod crf_workbook;
mod data_exchange;
mod deliberation;
mod diagnostics_at_scale;
mod diff_build;
mod diff_cases;
mod emit;
mod escaping;
mod faults;
mod french;
mod guide;
mod house;
mod legal;
mod legal_reading;
mod library;
mod notification;
mod pdf_render;
mod records;
mod registers;
mod render;
mod reproducible;
mod resume;
mod review;
mod scale;
mod serve;
mod signature_ready;
mod signing;
mod typography;
mod verify;
mod writers;
