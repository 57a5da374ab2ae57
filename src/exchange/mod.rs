//! Data exchange: the essential data of signed conventions as open data (SCDL
//! subventions), and association files to and from spreadsheets.

pub mod scdl;
