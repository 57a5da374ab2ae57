//! The comptes rendus financiers as one workbook (issue #31): `charta review
//! --template --format xlsx` writes `reviews/Y/comptes-rendus.xlsx`, and
//! `charta import` of it writes each `reviews/Y/<id>.crf.json` back. The
//! workbook is read here with calamine and edited as a user would (cells
//! rewritten, a row inserted), never through charta's own reader.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{charta, copy_tree, example_dir, tree};

const EPICERIE: &str = "epicerie-solidaire-brecourt";
const VELO: &str = "atelier-velo-thionvaux";
const NB: char = '\u{a0}';

/// Every sheet, as rows of cells from A1.
type Grid = Vec<(String, Vec<Vec<Data>>)>;

fn copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&example_dir(), tmp.path());
    tmp
}

/// `charta review DIR --template --year 2026 --format xlsx`: its stderr.
fn template(dir: &Path) -> (PathBuf, String) {
    let d = dir.to_str().unwrap();
    let (code, _, err) = charta(&[
        "review",
        d,
        "--template",
        "--year",
        "2026",
        "--format",
        "xlsx",
    ]);
    assert_eq!(code, 0, "{err}");
    (dir.join("reviews/2026/comptes-rendus.xlsx"), err)
}

fn import(file: &Path, dir: &Path) -> (i32, String) {
    let (code, out, err) = charta(&["import", file.to_str().unwrap(), dir.to_str().unwrap()]);
    (code, format!("{out}{err}"))
}

fn read(path: &Path) -> Grid {
    let mut wb: Xlsx<_> = open_workbook(path).expect("an xlsx workbook");
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
        let grid = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                    .collect()
            })
            .collect();
        out.push((name, grid));
    }
    out
}

/// Writes `grid` back as a user's spreadsheet program would (dates as date cells).
fn write(grid: &Grid, path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in grid {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    Data::DateTime(d) => {
                        ws.write_number_with_format(r, c, d.as_f64(), &date)
                            .unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn sheet<'g>(grid: &'g mut Grid, name: &str) -> &'g mut Vec<Vec<Data>> {
    &mut grid.iter_mut().find(|(n, _)| n == name).expect(name).1
}

/// The 0-based row whose hidden column A holds `key`.
fn row_of(rows: &[Vec<Data>], key: &str) -> usize {
    rows.iter()
        .position(|r| r.first() == Some(&Data::String(key.to_string())))
        .unwrap_or_else(|| panic!("no row {key}"))
}

fn get(grid: &mut Grid, name: &str, key: &str, col: usize) -> Data {
    let rows = sheet(grid, name);
    let r = row_of(rows, key);
    rows[r].get(col).cloned().unwrap_or(Data::Empty)
}

/// Sets a cell of the row `key`; returns its reference « sheet!D12 ».
fn set(grid: &mut Grid, name: &str, key: &str, col: usize, v: Data) -> String {
    let rows = sheet(grid, name);
    let r = row_of(rows, key);
    if rows[r].len() <= col {
        rows[r].resize(col + 1, Data::Empty);
    }
    rows[r][col] = v;
    format!("{name}!{}{}", (b'A' + col as u8) as char, r + 1)
}

const C: usize = 2;
const D: usize = 3;
const E: usize = 4;

fn s(v: &str) -> Data {
    Data::String(v.to_string())
}

/// The Excel serial day of a date.
fn serial(y: i32, m: u8, d: u8) -> f64 {
    let day = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
    (day - time::macros::date!(1899 - 12 - 30)).whole_days() as f64
}

#[test]
fn the_template_holds_the_forecast_and_what_the_crf_json_holds() {
    let tmp = copy();
    let (xlsx, _) = template(tmp.path());
    let mut g = read(&xlsx);
    assert_eq!(g[0].0, "Sommaire");
    assert_eq!(g[0].1[0][0], s("charta-comptes-rendus"));
    assert_eq!(g[0].1[1][C], Data::Float(2026.0));
    let names: Vec<&str> = g.iter().map(|(n, _)| n.as_str()).collect();
    // The funded conventions covering 2026; not the collectif (no funding).
    assert!(
        names.contains(&EPICERIE) && names.contains(&VELO),
        "{names:?}"
    );
    assert!(!names.contains(&"collectif-ess-val-de-meuse"), "{names:?}");
    // The épicerie's budget 2026 as its forecast, in euros.
    assert_eq!(
        get(&mut g, EPICERIE, "charges.personnel", C),
        Data::Float(30400.0)
    );
    assert_eq!(
        get(&mut g, EPICERIE, "produits.subventions.region", C),
        Data::Float(12500.0)
    );
    assert_eq!(
        get(&mut g, EPICERIE, "charges.autres_charges", C),
        Data::Float(0.0)
    );
    assert_eq!(get(&mut g, EPICERIE, "en_nature", C), Data::Float(3500.0));
    assert_eq!(
        get(&mut g, EPICERIE, "total.charges", C),
        Data::Float(48000.0)
    );
    // Prefilled with its crf.json: actual, explanation, date of receipt.
    assert_eq!(
        get(&mut g, EPICERIE, "charges.personnel", D),
        Data::Float(27960.0)
    );
    let e = get(&mut g, EPICERIE, "produits.dons", E);
    assert!(
        e.to_string().starts_with("La collecte de fin d'année"),
        "{e:?}"
    );
    let received = get(&mut g, EPICERIE, "received_on", C);
    let Data::DateTime(received) = received else {
        panic!("a date cell: {received:?}")
    };
    assert_eq!(received.as_f64(), serial(2027, 4, 12));
    assert_eq!(get(&mut g, EPICERIE, "id", C), s(EPICERIE));
    // No budget for the atelier: the lines are there, the forecast empty.
    assert_eq!(get(&mut g, VELO, "charges.personnel", C), Data::Empty);
    assert_eq!(
        get(&mut g, VELO, "charges.personnel", D),
        Data::Float(61300.0)
    );
}

#[test]
fn a_second_template_run_does_not_overwrite_the_workbook() {
    let tmp = copy();
    let (xlsx, _) = template(tmp.path());
    std::fs::write(&xlsx, b"the agent's filled workbook").unwrap();
    let (_, err) = template(tmp.path());
    let kept = std::fs::read(&xlsx).unwrap() == b"the agent's filled workbook";
    assert!(kept, "the workbook was replaced");
    assert!(err.contains("il n'est pas remplacé"), "{err}");
}

#[test]
fn an_exported_crf_json_comes_back_byte_for_byte() {
    let tmp = copy();
    let (xlsx, _) = template(tmp.path());
    let before = tree(&tmp.path().join("reviews"));
    let (code, out) = import(&xlsx, tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 créé, 0 modifié, 7 inchangés"), "{out}");
    assert_eq!(tree(&tmp.path().join("reviews")), before);
}

#[test]
fn a_filled_sheet_imports_to_the_exact_cents_and_a_second_import_changes_nothing() {
    let tmp = copy();
    let (xlsx, _) = template(tmp.path());
    let mut g = read(&xlsx);
    set(
        &mut g,
        EPICERIE,
        "charges.personnel",
        D,
        Data::Float(27960.07),
    );
    set(&mut g, EPICERIE, "produits.dons", D, s("1 000,5"));
    set(
        &mut g,
        EPICERIE,
        "charges.achats",
        E,
        s("Les prix ont monté."),
    );
    set(&mut g, EPICERIE, "received_on", C, s("15/04/2027"));
    // A row inserted by hand, left empty, above the staff line: nothing moves.
    let rows = sheet(&mut g, EPICERIE);
    let at = row_of(rows, "charges.personnel");
    rows.insert(at, Vec::new());
    let filled = tmp.path().join("rempli.xlsx");
    write(&g, &filled);

    let (code, out) = import(&filled, tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "{EPICERIE}{NB}: received_on, charges.personnel, produits.dons, explications.charges.achats"
        )),
        "{out}"
    );
    let path = tmp.path().join(format!("reviews/2026/{EPICERIE}.crf.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    for needle in [
        "\"received_on\": \"2027-04-15\"",
        "\"personnel\": 27960.07,",
        "\"dons\": 1000.5,",
        "\"achats\": 8100,",
        "\"charges.achats\": \"Les prix ont monté.\"",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    let prog = charta::load::load_programme(tmp.path()).unwrap().0;
    let data = prog.associations.iter().find(|a| a.id == EPICERIE).unwrap();
    let (crf, diags) =
        charta::check::crf::validate(&path, &text, 2026, EPICERIE, data.data.as_deref());
    assert_eq!(diags, vec![]);
    assert_eq!(crf.unwrap().actual["charges.personnel"], Some(2_796_007));

    let before = tree(&tmp.path().join("reviews"));
    let (code, out) = import(&filled, tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 créé, 0 modifié, 7 inchangés"), "{out}");
    assert_eq!(tree(&tmp.path().join("reviews")), before);
}

#[test]
fn errors_are_located_at_their_cell_all_at_once_and_nothing_is_written() {
    let tmp = copy();
    let (xlsx, _) = template(tmp.path());
    let mut g = read(&xlsx);
    // At the boundary: two decimals and zero are accepted.
    set(
        &mut g,
        EPICERIE,
        "charges.dotations",
        D,
        Data::Float(12500.55),
    );
    set(
        &mut g,
        EPICERIE,
        "charges.autres_charges",
        D,
        Data::Float(0.0),
    );
    set(&mut g, EPICERIE, "produits.autres_produits", D, s("0"));
    // One over: three decimals; one under: −0,01.
    let three = set(&mut g, EPICERIE, "charges.achats", D, s("12500,555"));
    let three_n = set(
        &mut g,
        EPICERIE,
        "charges.impots_taxes",
        D,
        Data::Float(600.001),
    );
    let negative = set(
        &mut g,
        EPICERIE,
        "charges.services_exterieurs",
        D,
        Data::Float(-0.01),
    );
    let word = set(&mut g, EPICERIE, "produits.ventes", D, s("douze mille"));
    let date = set(&mut g, EPICERIE, "received_on", C, s("2027-02-30"));
    let stray = set(&mut g, EPICERIE, "charges.personnel", 5, s("à voir"));
    let unknown = set(&mut g, VELO, "id", C, s("atelier-inconnu"));
    let uncovered = set(
        &mut g,
        "recyclerie-vaudrecourt",
        "id",
        C,
        s("collectif-ess-val-de-meuse"),
    );
    let filled = tmp.path().join("rempli.xlsx");
    write(&g, &filled);
    let before = tree(tmp.path());

    let (code, out) = import(&filled, tmp.path());
    assert_eq!(code, 1, "{out}");
    for (code, at, value) in [
        ("ECH-062", &three, "12500,555"),
        ("ECH-062", &three_n, "600.001"),
        ("ECH-061", &negative, "-0.01"),
        ("ECH-060", &word, "douze mille"),
        ("ECH-063", &date, "2027-02-30"),
        ("ECH-066", &stray, "à voir"),
        ("ECH-064", &unknown, "atelier-inconnu"),
        ("ECH-065", &uncovered, "collectif-ess-val-de-meuse"),
    ] {
        let needle = format!("{at}{NB}: «{NB}{value}{NB}»");
        assert!(
            out.contains(&needle) && out.contains(code),
            "{code} {needle}\n{out}"
        );
    }
    assert!(
        out.contains(&format!("8 erreurs{NB}: aucun fichier n'a été écrit")),
        "{out}"
    );
    assert_eq!(tree(tmp.path()), before, "nothing written");

    // The same workbook without the errors: the boundary values land.
    for (key, v) in [
        ("charges.achats", Data::Empty),
        ("charges.impots_taxes", Data::Empty),
        ("charges.services_exterieurs", Data::Empty),
        ("produits.ventes", Data::Empty),
    ] {
        set(&mut g, EPICERIE, key, D, v);
    }
    set(&mut g, EPICERIE, "received_on", C, Data::Empty);
    set(&mut g, EPICERIE, "charges.personnel", 5, Data::Empty);
    set(&mut g, VELO, "id", C, s(VELO));
    set(
        &mut g,
        "recyclerie-vaudrecourt",
        "id",
        C,
        s("recyclerie-vaudrecourt"),
    );
    write(&g, &filled);
    let (code, out) = import(&filled, tmp.path());
    assert_eq!(code, 0, "{out}");
    let text =
        std::fs::read_to_string(tmp.path().join(format!("reviews/2026/{EPICERIE}.crf.json")))
            .unwrap();
    for needle in [
        "\"dotations\": 12500.55,",
        "\"autres_charges\": 0,",
        "\"autres_produits\": 0\n",
        "\"achats\": null,",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}
