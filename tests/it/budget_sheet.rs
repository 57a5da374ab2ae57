//! The budget prévisionnel in the workbook (issue #31): the « Budget » sheet and
//! the closing date of the exercice out with `charta export xlsx` and back with
//! `charta import`, every error at its cell; a workbook written before them
//! keeps the files' values.

use std::path::Path;
use std::process::Command;

use charta::exchange::sheet::{self, Cell, Table};
use charta::exchange::workbook;
use charta::model::AssociationFile;

use crate::data_exchange::example_copy;

/// The example with its épicerie and atelier as drafts: a signed
/// convention's file is never changed by an import.
fn draft_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, prog) = example_copy();
    crate::common::unsign_closing(&prog);
    (tmp, prog)
}

/// The example's association with a budget (2026, balanced, Région 12 500 €).
const ID: &str = "epicerie-solidaire-brecourt";
const CLOSING: &str = "Clôture de l'exercice (JJ/MM, vide : 31/12)";
const ACHATS: &str = "Charges : 60 – Achats (€)";
const VENTES: &str = "Produits : 70 – Ventes, prestations de services (€)";
const REGION: &str = "Produits : 74 – Subvention de la Région (€)";
const EN_NATURE: &str = "Contributions volontaires en nature (€)";

fn charta() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_charta"));
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1");
    c
}

fn load(prog: &Path) -> charta::load::Programme {
    let (p, diags) = charta::load::load_programme(prog).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    p
}

fn tables(prog: &Path) -> Vec<Table> {
    workbook::to_tables(&charta::exchange::associations(&load(prog)).unwrap())
}

/// Writes `tables` as a workbook and imports it into `prog`: exit status, stderr.
fn import(tables: &[Table], prog: &Path) -> (i32, String) {
    let xlsx = prog.parent().unwrap().join("edit.xlsx");
    std::fs::write(&xlsx, sheet::to_xlsx(tables).unwrap()).unwrap();
    let o = charta()
        .arg("import")
        .arg(&xlsx)
        .arg(prog)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn file_bytes(prog: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(prog.join("associations"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

fn data(prog: &Path, id: &str) -> AssociationFile {
    let path = prog.join("associations").join(format!("{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Sets the cell `header` of the row of (`id`, `year`) in « Budget »; its reference.
fn set_budget(tables: &mut [Table], id: &str, year: &str, header: &str, v: Cell) -> String {
    let t = tables.iter_mut().find(|t| t.name == "Budget").unwrap();
    let c = t.headers.iter().position(|(h, _)| h == header).unwrap();
    let n = t
        .rows
        .iter()
        .position(|r| r[0] == Cell::Text(id.into()) && r[1] == Cell::Number(year.parse().unwrap()))
        .unwrap_or_else(|| panic!("no row {id} {year}"));
    t.rows[n][c] = v;
    sheet::cell_ref("Budget", c, n + 2)
}

/// Sets the cell `header` of `id`'s row in « Associations »; its reference.
fn set_assoc(tables: &mut [Table], id: &str, header: &str, v: Cell) -> String {
    let t = tables
        .iter_mut()
        .find(|t| t.name == "Associations")
        .unwrap();
    let c = t.headers.iter().position(|(h, _)| h == header).unwrap();
    let n = t
        .rows
        .iter()
        .position(|r| r[0] == Cell::Text(id.into()))
        .unwrap();
    t.rows[n][c] = v;
    sheet::cell_ref("Associations", c, n + 2)
}

#[test]
fn export_then_import_gives_the_same_files_byte_for_byte_with_the_budgets() {
    let (tmp, prog) = example_copy();
    let xlsx = tmp.path().join("p.xlsx");
    let o = charta()
        .args(["export", "xlsx"])
        .arg(&prog)
        .arg("--out")
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The sheet holds the example's budget, amounts as numbers.
    let read = charta::exchange::read_tables(&xlsx).unwrap();
    let b = read.iter().find(|t| t.name == "Budget").unwrap();
    let col = |h: &str| b.headers.iter().position(|x| x == h).unwrap();
    let row = b
        .rows
        .iter()
        .find(|(_, r)| r[0] == Cell::Text(ID.into()))
        .unwrap();
    assert_eq!(row.1[col("Exercice")], Cell::Number(2026.0));
    assert_eq!(row.1[col(REGION)], Cell::Number(12500.0));
    assert_eq!(row.1[col(EN_NATURE)], Cell::Number(3500.0));

    // Into the same programme: every file stays byte for byte.
    let before = file_bytes(&prog);
    let o = charta()
        .arg("import")
        .arg(&xlsx)
        .arg(&prog)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("8\u{a0}inchangées") || err.contains("8 inchangées"),
        "{err}"
    );
    assert_eq!(file_bytes(&prog), before);

    // Into an empty programme: each file is the original's data, budget
    // included, written by serde (the avenants are not in the workbook).
    let originals = load(&prog);
    std::fs::remove_dir_all(prog.join("associations")).unwrap();
    let o = charta()
        .arg("import")
        .arg(&xlsx)
        .arg(&prog)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for a in &originals.associations {
        let mut d = AssociationFile::clone(a.data.as_ref().unwrap());
        d.convention.amendments.clear();
        let want = serde_json::to_string_pretty(&d).unwrap() + "\n";
        let got = std::fs::read_to_string(prog.join("associations").join(format!("{}.json", a.id)));
        assert_eq!(got.unwrap(), want, "{}", a.id);
    }
    assert!(data(&prog, ID).convention.budget.is_some());
}

#[test]
fn an_edited_amount_changes_exactly_that_amount_at_two_decimals_not_three() {
    let (_tmp, prog) = draft_copy();
    let path = prog.join("associations").join(format!("{ID}.json"));
    let original = std::fs::read(&path).unwrap();
    // Three decimals: refused at its cell, nothing written.
    let mut t = tables(&prog);
    let at = set_budget(&mut t, ID, "2026", EN_NATURE, Cell::Number(3500.255));
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("{at}\u{a0}: «\u{a0}3500.255\u{a0}»\u{a0}: un montant est positif, en euros et centimes (deux décimales au plus)")),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), original);
    // One and two decimals: taken, and only that amount changes.
    for (v, cents) in [(3500.2, 350_020), (3500.25, 350_025)] {
        let mut t = tables(&prog);
        set_budget(&mut t, ID, "2026", EN_NATURE, Cell::Number(v));
        let (code, err) = import(&t, &prog);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains(&format!("{ID}\u{a0}: convention.budget.2026.en_nature\n")),
            "{err}"
        );
        let d = data(&prog, ID);
        assert_eq!(
            d.convention.budget.as_ref().unwrap()["2026"]
                .en_nature
                .cents(),
            cents
        );
        std::fs::write(&path, &original).unwrap();
    }
}

#[test]
fn a_budget_unbalanced_by_a_cent_is_located_on_its_row() {
    let (_tmp, prog) = example_copy();
    let original = file_bytes(&prog);
    for v in [14500.01, 14499.99] {
        let mut t = tables(&prog);
        set_budget(&mut t, ID, "2026", VENTES, Cell::Number(v));
        let at = set_budget(&mut t, ID, "2026", "Exercice", Cell::Number(2026.0));
        let (code, err) = import(&t, &prog);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!(
                "{at}\u{a0}: «\u{a0}2026\u{a0}»\u{a0}: budget déséquilibré"
            )),
            "{err}"
        );
        assert!(err.contains("(écart 0,01"), "{err}");
        assert!(err.contains("1 erreur\u{a0}: aucun fichier"), "{err}");
        assert_eq!(file_bytes(&prog), original);
    }
}

#[test]
fn budget_sheet_errors_are_each_at_their_cell_all_at_once() {
    let (_tmp, prog) = example_copy();
    let mut t = tables(&prog);
    // The funder's line: 1 € more, the balance too.
    let region = set_budget(&mut t, ID, "2026", REGION, Cell::Number(12501.0));
    let negative = set_budget(
        &mut t,
        "atelier-velo-thionvaux",
        "2026",
        ACHATS,
        Cell::Number(-5.0),
    );
    let text = set_budget(
        &mut t,
        "atelier-velo-thionvaux",
        "2027",
        ACHATS,
        Cell::Text("beaucoup".into()),
    );
    let b = t.iter_mut().find(|t| t.name == "Budget").unwrap();
    let width = b.headers.len();
    let mut extra = vec![Cell::Empty; width];
    extra[0] = Cell::Text("inconnue".into());
    extra[1] = Cell::Number(2026.0);
    b.rows.push(extra);
    let mut outside = vec![Cell::Number(1.0); width];
    outside[0] = Cell::Text(ID.into());
    outside[1] = Cell::Number(2031.0);
    b.rows.push(outside);
    let mut dup = b
        .rows
        .iter()
        .find(|r| r[0] == Cell::Text(ID.into()))
        .unwrap()
        .clone();
    dup[2] = Cell::Number(1.0);
    b.rows.push(dup);
    let n = b.rows.len();
    let achats = b.headers.iter().position(|(h, _)| h == ACHATS).unwrap();
    b.headers[achats].0 = "Charges : 60 – Achat (€)".into();
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 1, "{err}");
    let achats_head = sheet::cell_ref("Budget", achats, 1);
    for needle in [
        format!(
            "{achats_head}\u{a0}: «\u{a0}Charges : 60 – Achat (€)\u{a0}»\u{a0}: colonne inconnue"
        ),
        format!("vouliez-vous dire «\u{a0}{ACHATS}\u{a0}»"),
        format!("la colonne «\u{a0}{ACHATS}\u{a0}» manque"),
    ] {
        assert!(err.contains(&needle), "{needle}\n{err}");
    }
    // The same errors but the column's, with the header restored.
    let b = t.iter_mut().find(|t| t.name == "Budget").unwrap();
    b.headers[achats].0 = ACHATS.into();
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 1, "{err}");
    for needle in [
        format!("{region}\u{a0}: «\u{a0}12501\u{a0}»\u{a0}: la ligne du financeur ("),
        "budget déséquilibré".to_string(),
        format!("{negative}\u{a0}: «\u{a0}-5\u{a0}»\u{a0}: un montant est positif"),
        format!("{text}\u{a0}: «\u{a0}beaucoup\u{a0}»\u{a0}: un montant en euros attendu"),
        format!(
            "Budget!A{}\u{a0}: «\u{a0}inconnue\u{a0}»\u{a0}: aucune association",
            n - 1
        ),
        format!(
            "Budget!B{}\u{a0}: «\u{a0}2031\u{a0}»\u{a0}: budget prévisionnel pour 2031",
            n
        ),
        format!(
            "Budget!B{}\u{a0}: «\u{a0}2026\u{a0}»\u{a0}: l'exercice 2026 de {ID} est déjà sur la ligne",
            n + 1
        ),
    ] {
        assert!(err.contains(&needle), "{needle}\n{err}");
    }
}

#[test]
fn the_closing_date_is_day_and_month_and_the_29th_of_february_is_refused() {
    let (_tmp, prog) = draft_copy();
    let original = file_bytes(&prog);
    for bad in ["31/02", "29/02", "06-30", "30/6/2026"] {
        let mut t = tables(&prog);
        let at = set_assoc(&mut t, ID, CLOSING, Cell::Text(bad.into()));
        let (code, err) = import(&t, &prog);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!(
                "{at}\u{a0}: «\u{a0}{bad}\u{a0}»\u{a0}: ce n'est pas une date de clôture"
            )),
            "{err}"
        );
        assert_eq!(file_bytes(&prog), original);
    }
    for (good, want) in [("28/02", "02-28"), ("30/06", "06-30"), ("1/3", "03-01")] {
        let mut t = tables(&prog);
        set_assoc(&mut t, ID, CLOSING, Cell::Text(good.into()));
        let (code, err) = import(&t, &prog);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            data(&prog, ID).association.fiscal_year_end.as_deref(),
            Some(want)
        );
    }
    // Written back « JJ/MM »; emptied, 31 December (the key absent).
    let t = tables(&prog);
    let a = t.iter().find(|t| t.name == "Associations").unwrap();
    let c = a.headers.iter().position(|(h, _)| h == CLOSING).unwrap();
    assert!(a.rows.iter().any(|r| r[c] == Cell::Text("01/03".into())));
    let mut t = tables(&prog);
    set_assoc(&mut t, ID, CLOSING, Cell::Empty);
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 0, "{err}");
    assert_eq!(data(&prog, ID).association.fiscal_year_end, None);
}

#[test]
fn a_workbook_without_the_budget_sheet_keeps_the_files_budgets_and_an_empty_row_removes_one() {
    let (_tmp, prog) = draft_copy();
    crate::data_exchange::edit(&prog, ID, |v| {
        v["association"]["fiscal_year_end"] = "06-30".into();
    });
    let before = file_bytes(&prog);
    // As an older export wrote it: no « Budget » sheet, no closing column.
    let mut t = tables(&prog);
    t.retain(|t| t.name != "Budget");
    let a = t.iter_mut().find(|t| t.name == "Associations").unwrap();
    let c = a.headers.iter().position(|(h, _)| h == CLOSING).unwrap();
    a.headers.remove(c);
    for r in &mut a.rows {
        r.remove(c);
    }
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 0, "{err}");
    assert_eq!(file_bytes(&prog), before, "{err}");
    let d = data(&prog, ID);
    assert!(d.convention.budget.is_some());
    assert_eq!(d.association.fiscal_year_end.as_deref(), Some("06-30"));

    // With the sheet, the association's row emptied: no budget that year.
    let mut t = tables(&prog);
    let heads: Vec<String> = t.iter().find(|t| t.name == "Budget").unwrap().headers[2..]
        .iter()
        .map(|(h, _)| h.clone())
        .collect();
    for h in &heads {
        set_budget(&mut t, ID, "2026", h, Cell::Empty);
    }
    let (code, err) = import(&t, &prog);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("{ID}\u{a0}: convention.budget\n")),
        "{err}"
    );
    assert_eq!(data(&prog, ID).convention.budget, None);
}
