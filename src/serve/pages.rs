//! The pages: the programme (one row per convention, filters, sortable
//! columns, the build button), a convention (its text with the articles in a
//! side navigation, downloads, changes as a redline, the data form with the
//! check results next to their fields), and the error pages. Every text is
//! French, with French typography; every piece of data goes through
//! [`escape`].

use std::fmt::Write as _;

use super::state::{State, Status};
use super::{Reply, api};
use crate::diff::{self, Change, ChangeKind, Target};
use crate::emit::html::{convention_html, escape, redline_html};
use crate::french::euros;

use api::plural;

/// A page: `token` is the pages' token for the script's writes (none on an error page).
fn layout(token: Option<&str>, title: &str, body: &str) -> String {
    let meta = token
        .map(|t| format!("<meta name=\"charta-jeton\" content=\"{}\">\n", escape(t)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{meta}\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"/assets/style.css\">\n\
         <script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        title = escape(title),
    )
}

/// A refusal or an error as a French page (the API answers JSON instead).
pub fn error_page(status: u16, message: &str) -> Reply {
    let title = match status {
        401 => "Accès refusé",
        403 => "Demande refusée",
        404 => "Page introuvable",
        408 => "Demande incomplète",
        413 | 414 => "Demande trop longue",
        421 => "Adresse refusée",
        _ => "Erreur du bureau",
    };
    let back = if matches!(status, 401 | 421) {
        ""
    } else {
        "<p><a href=\"/\">Retour au programme</a></p>"
    };
    let body = format!(
        "<header class=\"bandeau\"><div><p class=\"sur\">Bureau charta</p><h1>{t}</h1></div></header>\n\
         <main class=\"erreur\"><p class=\"avertissement\">{m}</p>{back}</main>",
        t = escape(title),
        m = escape(message),
    );
    let mut r = Reply::html(layout(None, &format!("{title} — charta"), &body));
    r.status = status;
    r
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "cpo" => "CPO",
        "annuelle" => "annuelle",
        "cadre" => "cadre",
        other => other,
    }
}

/// « 5 conventions : 3 brouillons, 1 signée, 1 en erreur. »
fn summary(rows: &[super::state::Row], total_cents: i64) -> String {
    let mut counts = [0usize; 4];
    for r in rows {
        counts[r.status as usize] += 1;
    }
    let mut parts = Vec::new();
    for (status, one, many) in [
        (Status::Draft, "brouillon", "brouillons"),
        (Status::Signed, "signée", "signées"),
        (
            Status::AmendmentToSign,
            "avenant à signer",
            "avenants à signer",
        ),
        (Status::Errors, "en erreur", "en erreur"),
    ] {
        let n = counts[status as usize];
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let list = if parts.is_empty() {
        String::new()
    } else {
        format!("\u{a0}: {}", parts.join(", "))
    };
    format!(
        "{}{list}. Total des contributions\u{a0}: {}.",
        plural(rows.len(), "convention", "conventions"),
        euros(total_cents)
    )
}

const FILTERS: &str = "<form class=\"filtres\" id=\"filtres\" role=\"search\">\
     <label>Rechercher <input type=\"search\" id=\"filtre-texte\" placeholder=\"association, identifiant…\"></label>\
     <label>Statut <select id=\"filtre-statut\"><option value=\"\">tous</option>\
     <option value=\"brouillon\">brouillon</option><option value=\"signee\">signée</option>\
     <option value=\"avenant\">avenant à signer</option><option value=\"erreurs\">erreurs</option></select></label>\
     <label>Nature <select id=\"filtre-nature\"><option value=\"\">toutes</option>\
     <option value=\"cpo\">CPO</option><option value=\"annuelle\">annuelle</option><option value=\"cadre\">cadre</option></select></label>\
     <span id=\"compte\" class=\"compte\" aria-live=\"polite\"></span></form>\n";

/// The table's head: each column sorts on a click (`data-tri`: text or number).
const TABLE_HEAD: &str = "<table class=\"conventions\" id=\"conventions\"><thead><tr>\
     <th aria-sort=\"ascending\"><button type=\"button\" data-tri=\"texte\">Association</button></th>\
     <th><button type=\"button\" data-tri=\"texte\">Nature</button></th>\
     <th><button type=\"button\" data-tri=\"texte\">Années</button></th>\
     <th class=\"nombre\"><button type=\"button\" data-tri=\"nombre\">Total</button></th>\
     <th><button type=\"button\" data-tri=\"texte\">Statut</button></th>\
     <th class=\"nombre\"><button type=\"button\" data-tri=\"nombre\">Erreurs</button></th>\
     </tr></thead><tbody>\n";

/// The programme page.
pub fn programme(state: &State) -> Reply {
    state.refresh();
    let name = state.with_programme(|p| p.file.programme.name.clone());
    let funder = state.with_programme(|p| p.file.funder.name.clone());
    let mut rows = state.rows();
    rows.sort_by_cached_key(|r| {
        (
            sort_key(if r.name.is_empty() { &r.id } else { &r.name }),
            r.id.clone(),
        )
    });
    let total: i64 = rows.iter().map(|r| r.total_cents).sum();
    let mut b = String::with_capacity(450 * rows.len() + 4096);
    let _ = write!(
        b,
        "<header class=\"bandeau\"><div><p class=\"sur\">{funder}</p><h1>{name}</h1></div>\
         <div class=\"actions\"><button id=\"generer-tout\" class=\"principal\" data-only=\"\">Générer toutes les conventions</button></div></header>\n\
         <main class=\"programme\">\n\
         <section id=\"progression\" class=\"progression\" hidden><progress id=\"barre\" value=\"0\" max=\"1\"></progress> <span id=\"etat-generation\"></span></section>\n\
         <p class=\"resume\">{summary}</p>\n{FILTERS}{TABLE_HEAD}",
        funder = escape(&funder),
        name = escape(&name),
        summary = escape(&summary(&rows, total)),
    );
    for r in &rows {
        let shown = if r.name.is_empty() { &r.id } else { &r.name };
        let _ = writeln!(
            b,
            "<tr data-statut=\"{sk}\" data-nature=\"{kind}\" data-texte=\"{search}\">\
             <td><a href=\"/convention/{id}\">{name}</a><div class=\"id\">{id}</div></td>\
             <td>{kl}</td><td>{years}</td><td class=\"nombre\" data-tri=\"{cents}\">{total}</td>\
             <td><span class=\"statut {sk}\">{sl}</span></td><td class=\"nombre\" data-tri=\"{errors}\">{err}</td></tr>",
            sk = r.status.key(),
            kind = escape(&r.kind),
            search = escape(&sort_key(&format!("{} {}", r.name, r.id))),
            id = escape(&r.id),
            name = escape(shown),
            kl = escape(kind_label(&r.kind)),
            years = escape(&r.years),
            cents = r.total_cents,
            total = euros(r.total_cents),
            sl = r.status.label(),
            errors = r.errors,
            err = if r.errors > 0 {
                r.errors.to_string()
            } else {
                String::new()
            },
        );
    }
    b.push_str("</tbody></table>\n</main>");
    Reply::html(layout(
        Some(state.access.csrf()),
        &format!("{name} — charta"),
        &b,
    ))
}

/// Lower case without accents (« Économie » → « economie »): what the
/// search and the sort compare, so that « eco » finds « Économie ».
pub fn sort_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '\u{a0}' | '\u{202f}' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

/// The page of one convention.
pub fn convention(state: &State, id: &str) -> Reply {
    state.refresh_one(id);
    if !state.knows(id) {
        return Reply::not_found();
    }
    let Some(row) = state.row(id) else {
        return Reply::not_found();
    };
    let rendered = api::render_markdown(state, id);
    let name = if row.name.is_empty() { id } else { &row.name };
    let (text_html, nav) = match &rendered {
        Ok(md) => convention_html(md),
        Err(_) => (String::new(), Vec::new()),
    };
    let mut b = convention_header(&row, name);
    b.push_str(
        "<nav class=\"sommaire\" aria-label=\"Sommaire\"><h2>Sommaire</h2><ul>\
                <li><a href=\"#telechargements\">Téléchargements</a></li>\
                <li><a href=\"#modifications\">Modifications</a></li>\
                <li><a href=\"#donnees\">Données et contrôles</a></li>\
                <li><a href=\"#texte\">Texte de la convention</a><ul>",
    );
    for n in &nav {
        let _ = write!(
            b,
            "<li><a href=\"#{}\">{}</a></li>",
            escape(&n.anchor),
            escape(&n.title)
        );
    }
    b.push_str("</ul></li></ul></nav>\n<main>\n");
    b.push_str(&downloads_html(state, id));
    if row.signed {
        b.push_str(&signed_pdf_html(state, id));
    }
    b.push_str("<section id=\"modifications\">");
    b.push_str(&changes_html(state, id, row.signed, rendered.as_ref().ok()));
    b.push_str("</section>\n");
    b.push_str(&data_section(row.signed));
    b.push_str("<section id=\"texte\"><h2>Texte de la convention</h2>");
    match &rendered {
        Ok(_) => {
            b.push_str("<article class=\"texte\">");
            b.push_str(&text_html);
            b.push_str("</article>");
        }
        Err(msgs) => {
            b.push_str("<p class=\"avertissement\">Le texte ne peut pas être produit avec ces données\u{a0}:</p><ul>");
            for m in msgs {
                let _ = write!(b, "<li>{}</li>", escape(m));
            }
            b.push_str("</ul>");
        }
    }
    b.push_str("</section>\n</main>\n</div>\n");
    b.push_str(SIGNATURE_DIALOG);
    Reply::html(layout(
        Some(state.access.csrf()),
        &format!("{name} — charta"),
        &b,
    ))
}

/// The band at the top of a convention's page: its name, id, nature, years,
/// status, the lock of a signed convention, the build button.
fn convention_header(row: &super::state::Row, name: &str) -> String {
    let lock = if row.signed {
        "<span class=\"verrou\" id=\"verrou\" title=\"Convention signée\u{a0}: ses données ne se modifient plus, sauf par avenant.\">Signée, verrouillée</span>"
    } else {
        ""
    };
    format!(
        "<header class=\"bandeau\"><div><p class=\"sur\"><a href=\"/\">← Programme</a></p>\
         <h1>{name}</h1><p class=\"sur\">{id} · {kind} · {years} · <span class=\"statut {sk}\">{sl}</span> {lock}</p></div>\
         <div class=\"actions\"><button id=\"generer\" class=\"principal\" data-only=\"{id}\">Générer cette convention</button></div></header>\n\
         <section id=\"progression\" class=\"progression\" hidden><progress id=\"barre\" value=\"0\" max=\"1\"></progress> <span id=\"etat-generation\"></span></section>\n\
         <div class=\"convention\" id=\"page-convention\" data-id=\"{id}\" data-signee=\"{signed}\">\n",
        name = escape(name),
        id = escape(&row.id),
        kind = escape(kind_label(&row.kind)),
        years = escape(&row.years),
        sk = row.status.key(),
        sl = row.status.label(),
        signed = if row.signed { "oui" } else { "non" },
    )
}

fn downloads_html(state: &State, id: &str) -> String {
    let mut b = String::from(
        "<section id=\"telechargements\"><h2>Téléchargements</h2><ul class=\"telechargements\">",
    );
    let mut any = false;
    for f in crate::emit::FORMATS {
        let file = state.out.join(crate::out::file_name(id, f.extension));
        if file.is_file() {
            any = true;
            let _ = write!(
                b,
                "<li><a class=\"telecharger\" data-format=\"{n}\" href=\"/telecharger/{id}/{n}\" download>{label}</a></li>",
                n = f.name,
                id = escape(id),
                label = f.label,
            );
        }
    }
    if !any {
        b.push_str("<li>Pas encore de fichiers\u{a0}: générez la convention.</li>");
    }
    b.push_str("</ul></section>\n");
    b
}

/// « Signée électroniquement » with the signers, for each act whose signed
/// PDF `charta verify --keep` stored, checked again from the stored file.
fn signed_pdf_html(state: &State, id: &str) -> String {
    use crate::out::signed::Act;
    let root = state.root();
    let avenants = crate::out::signed::Archive::open(&root, id)
        .map(|a| a.avenants())
        .unwrap_or_default();
    let acts = std::iter::once(Act::Convention).chain(avenants.into_iter().map(Act::Avenant));
    let mut items = String::new();
    for act in acts {
        let Some(checked) = crate::out::verify::stored(&root, id, act) else {
            continue;
        };
        let (what, signed) = match act {
            Act::Convention => ("La convention".to_string(), "signée"),
            Act::Avenant(k) => (format!("L'avenant n°\u{a0}{k}"), "signé"),
        };
        let line = match checked {
            Ok(r) if r.intact() => {
                let who: Vec<String> = r
                    .signatures
                    .iter()
                    .map(|s| {
                        let signer = s.signer.as_deref().unwrap_or("signataire inconnu");
                        match &s.time {
                            Some(t) => format!("{}, le {}", escape(signer), escape(t)),
                            None => escape(signer),
                        }
                    })
                    .collect();
                format!(
                    "{what} est {signed} électroniquement par {}.",
                    who.join("\u{a0}; ")
                )
            }
            _ => format!(
                "{what}\u{a0}: le PDF signé conservé ne se vérifie plus (lancez charta verify)."
            ),
        };
        let _ = write!(items, "<li class=\"signee-electroniquement\">{line}</li>");
    }
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<section id=\"signature-electronique\"><h2>Signature électronique</h2><ul>{items}</ul></section>\n"
    )
}

/// The data form (filled by the script from `/api/convention/<id>`).
fn data_section(signed: bool) -> String {
    let mut b = String::from("<section id=\"donnees\"><h2>Données et contrôles</h2>");
    if signed {
        b.push_str(
            "<p class=\"avertissement\" id=\"signee\">Cette convention est signée\u{a0}: ses données ne se modifient plus, \
             ni ici ni par une génération. Pour changer un montant, une année ou un objectif, préparez un avenant, \
             qui sera signé à son tour (voir «\u{a0}Passer un avenant\u{a0}» dans le guide).</p>",
        );
    }
    b.push_str(
        "<div id=\"controles-generaux\" class=\"controles\"></div>\
         <form id=\"formulaire\" class=\"formulaire\" autocomplete=\"off\" novalidate></form>\
         <div class=\"enregistrer\"><button id=\"enregistrer\" class=\"principal\" type=\"button\">Enregistrer</button> \
         <span id=\"etat-enregistrement\" role=\"status\"></span></div></section>\n",
    );
    b
}

/// Asked before a signature date is saved: what saving it does.
const SIGNATURE_DIALOG: &str = "<dialog id=\"confirmer-signature\" class=\"confirmation\" aria-labelledby=\"titre-signature\">\
     <h2 id=\"titre-signature\">Enregistrer la signature\u{a0}?</h2>\
     <p>Vous avez saisi la date de signature <strong id=\"date-signature\"></strong>. En l'enregistrant, la convention devient \
     un <strong>acte signé</strong>\u{a0}:</p><ul>\
     <li>ses données ne pourront plus jamais être modifiées, ni ici ni par une génération\u{a0};</li>\
     <li>à la prochaine génération, son texte est archivé tel quel dans le dossier des actes signés du programme\u{a0};</li>\
     <li>seul un avenant, signé à son tour, pourra la changer.</li></ul>\
     <p>N'enregistrez cette date que si la convention a bien été signée ce jour-là.</p>\
     <div class=\"boutons\"><button type=\"button\" id=\"annuler-signature\">Annuler</button> \
     <button type=\"button\" id=\"valider-signature\" class=\"principal\">Confirmer la signature et enregistrer</button></div>\
     </dialog>\n";

/// « Article 4 », « Annexe II », « Préambule », « Texte ».
fn place(kind: Option<&str>, number: Option<&str>, id: Option<&str>) -> String {
    diff::named_part_fr(kind, number, id).unwrap_or_else(|| "Texte".to_string())
}

/// What a change is, in words: « Article 4 – Contribution financière : passage modifié ».
fn change_title(c: &Change) -> String {
    let number = match c.kind {
        ChangeKind::Removed => c.old_number.as_deref(),
        _ => c.new_number.as_deref().or(c.old_number.as_deref()),
    };
    let mut at = place(c.part_kind.as_deref(), number, c.part.as_deref());
    if let Some(t) = &c.part_title {
        let _ = write!(at, " – {t}");
    }
    let what = match (c.target, c.kind) {
        (Target::Title, _) => return "Titre de la convention\u{a0}: modifié".to_string(),
        (Target::Heading, _) => "intitulé modifié".to_string(),
        (_, ChangeKind::Added) if c.whole_part => "ajouté, avec tout son texte".to_string(),
        (_, ChangeKind::Removed) if c.whole_part => "supprimé, avec tout son texte".to_string(),
        (_, ChangeKind::Added) => "passage ajouté".to_string(),
        (_, ChangeKind::Removed) => "passage supprimé".to_string(),
        (_, ChangeKind::Modified) => "passage modifié".to_string(),
        (_, ChangeKind::Moved) => {
            let from = c
                .old_part
                .as_ref()
                .map(|p| {
                    format!(
                        " (auparavant\u{a0}: {})",
                        place(c.old_part_kind.as_deref(), c.old_number.as_deref(), Some(p))
                    )
                })
                .unwrap_or_default();
            let changed = if c.text_changed {
                ", texte modifié"
            } else {
                ""
            };
            format!("passage déplacé{from}{changed}")
        }
    };
    format!("{at}\u{a0}: {what}")
}

/// « Since the last build » (the `OUT/<id>.md` it wrote vs the text the data
/// gives now). For a signed convention, « since the text in force »: the
/// programme's archive of signed acts (`signed/<id>/`, the text as amended by
/// the last signed avenant), which no build and no `rm -rf OUT` touches; the
/// signed `OUT/<id>.md` when nothing is archived yet. Each change is shown as
/// the text it marks: deletions struck, insertions underlined.
fn changes_html(state: &State, id: &str, signed: bool, now: Option<&String>) -> String {
    let archive = signed
        .then(|| crate::out::signed::Archive::open(&state.root(), id))
        .flatten();
    let in_force = archive.as_ref().and_then(|a| a.text_in_force());
    let since = match (
        signed,
        archive.as_ref().and_then(|a| a.avenants().last().copied()),
    ) {
        (true, Some(k)) if in_force.is_some() => {
            format!("depuis le texte en vigueur (après l'avenant n\u{a0}{k})")
        }
        (true, _) => "depuis la version signée".to_string(),
        (false, _) => "depuis la dernière génération".to_string(),
    };
    let mut b = format!("<h2>Modifications {since}</h2>");
    let old = in_force
        .or_else(|| std::fs::read_to_string(state.out.join(crate::out::file_name(id, "md"))).ok());
    let (Some(old), Some(now)) = (old, now) else {
        b.push_str(if now.is_none() {
            "<p>Le texte actuel ne peut pas être produit\u{a0}: corrigez d'abord les erreurs des données.</p>"
        } else {
            "<p>Pas de version générée à comparer\u{a0}: générez la convention.</p>"
        });
        return b;
    };
    let diff = match diff::diff_markdown(&old, now) {
        Ok(d) => d,
        Err(e) => {
            let _ = write!(b, "<p>Comparaison impossible\u{a0}: {}</p>", escape(&e.fr));
            return b;
        }
    };
    if diff.changes.is_empty() {
        b.push_str("<p class=\"aucune\">Aucune modification du texte.</p>");
        return b;
    }
    let _ = write!(
        b,
        "<p>{}, le texte supprimé barré, le texte ajouté souligné.</p><ol class=\"redline\">",
        plural(
            diff.changes.len(),
            "modification du texte",
            "modifications du texte"
        )
    );
    for c in &diff.changes {
        let text = if c.redline.is_empty() {
            String::new()
        } else {
            redline_html(&diff::markdown_redline(&c.redline))
        };
        let _ = write!(
            b,
            "<li><h3>{}</h3><div class=\"rl\">{text}</div></li>",
            escape(&change_title(c)),
        );
    }
    b.push_str("</ol>");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_key_ignores_case_and_accents() {
        assert_eq!(
            sort_key("Économie « Solidaire » ÇA œuvre"),
            "economie « solidaire » ca oeuvre"
        );
        assert_eq!(sort_key("Vélo"), sort_key("velo"));
    }

    #[test]
    fn summary_prints_amounts_as_the_acts_do() {
        let row = |total_cents| super::super::state::Row {
            id: "a".into(),
            name: "A".into(),
            kind: "cpo".into(),
            years: "2026".into(),
            total_cents,
            status: Status::Draft,
            signed: false,
            errors: 0,
            warnings: 0,
        };
        // Whole euros without decimals, cents when there are any: the form of
        // the conventions (`french::euros`).
        assert_eq!(
            summary(&[row(9_000_000)], 9_000_000),
            "1\u{a0}convention\u{a0}: 1\u{a0}brouillon. Total des contributions\u{a0}: 90\u{202f}000\u{a0}€."
        );
        assert!(summary(&[row(12_345)], 12_345).ends_with("\u{a0}: 123,45\u{a0}€."));
    }

    #[test]
    fn error_pages_are_french_html_and_escape_their_message() {
        let r = error_page(404, "Rien <ici>");
        assert_eq!(r.status, 404);
        assert!(r.content_type.starts_with("text/html"));
        let html = String::from_utf8(r.body).unwrap();
        assert!(
            html.contains("<html lang=\"fr\">") && html.contains("Page introuvable"),
            "{html}"
        );
        assert!(html.contains("Rien &lt;ici&gt;"), "{html}");
        assert!(!html.contains("charta-jeton"), "no token on an error page");
    }
}
