//! The two pages: the programme (one row per convention, filters, the build
//! button) and a convention (its text with the articles in a side
//! navigation, downloads, changes as a redline, the data form with the check
//! results next to their fields). Every text is French; every piece of data
//! goes through [`escape`].

use std::fmt::Write as _;

use super::state::{State, Status};
use super::{Reply, api};
use crate::diff::{self, ChangeKind, Target};
use crate::emit::html::{convention_html, escape, euros, redline_html};

fn layout(state: &State, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"charta-jeton\" content=\"{token}\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"/assets/style.css\">\n\
         <script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        token = escape(state.token()),
        title = escape(title),
    )
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "cpo" => "CPO",
        "annuelle" => "annuelle",
        "cadre" => "cadre",
        other => other,
    }
}

/// The programme page.
pub fn programme(state: &State) -> Reply {
    state.refresh();
    let name = state.with_programme(|p| p.file.programme.name.clone());
    let funder = state.with_programme(|p| p.file.funder.name.clone());
    let rows = state.rows();
    let mut counts = [0usize; 4];
    for r in &rows {
        counts[r.status as usize] += 1;
    }
    let total: i64 = rows.iter().map(|r| r.total_cents).sum();
    let mut b = String::with_capacity(400 * rows.len() + 4096);
    let _ = write!(
        b,
        "<header class=\"bandeau\"><div><p class=\"sur\">{funder}</p><h1>{name}</h1></div>\
         <div class=\"actions\"><button id=\"generer-tout\" class=\"principal\" data-only=\"\">Générer toutes les conventions</button></div></header>\n\
         <main class=\"programme\">\n\
         <section id=\"progression\" class=\"progression\" hidden><progress id=\"barre\" value=\"0\" max=\"1\"></progress> <span id=\"etat-generation\"></span></section>\n\
         <p class=\"resume\">{n} convention(s) : {d} brouillon(s), {s} signée(s), {a} avenant(s) à signer, {e} en erreur. Total des contributions : {total}.</p>\n\
         <form class=\"filtres\" id=\"filtres\" role=\"search\">\
         <label>Rechercher <input type=\"search\" id=\"filtre-texte\" placeholder=\"association, identifiant…\"></label>\
         <label>Statut <select id=\"filtre-statut\"><option value=\"\">tous</option>\
         <option value=\"brouillon\">brouillon</option><option value=\"signee\">signée</option>\
         <option value=\"avenant\">avenant à signer</option><option value=\"erreurs\">erreurs</option></select></label>\
         <label>Nature <select id=\"filtre-nature\"><option value=\"\">toutes</option>\
         <option value=\"cpo\">CPO</option><option value=\"annuelle\">annuelle</option><option value=\"cadre\">cadre</option></select></label>\
         <span id=\"compte\" class=\"compte\"></span></form>\n\
         <table class=\"conventions\" id=\"conventions\"><thead><tr><th>Association</th><th>Nature</th><th>Années</th>\
         <th class=\"nombre\">Total</th><th>Statut</th><th class=\"nombre\">Erreurs</th></tr></thead><tbody>\n",
        funder = escape(&funder),
        name = escape(&name),
        n = rows.len(),
        d = counts[Status::Draft as usize],
        s = counts[Status::Signed as usize],
        a = counts[Status::AmendmentToSign as usize],
        e = counts[Status::Errors as usize],
        total = euros(total),
    );
    for r in &rows {
        let search = format!("{} {}", r.name, r.id).to_lowercase();
        let _ = writeln!(
            b,
            "<tr data-statut=\"{sk}\" data-nature=\"{kind}\" data-texte=\"{search}\">\
             <td><a href=\"/convention/{id}\">{name}</a><div class=\"id\">{id}</div></td>\
             <td>{kl}</td><td>{years}</td><td class=\"nombre\">{total}</td>\
             <td><span class=\"statut {sk}\">{sl}</span></td><td class=\"nombre\">{err}</td></tr>",
            sk = r.status.key(),
            kind = escape(&r.kind),
            search = escape(&search),
            id = escape(&r.id),
            name = escape(if r.name.is_empty() { &r.id } else { &r.name }),
            kl = escape(kind_label(&r.kind)),
            years = escape(&r.years),
            total = euros(r.total_cents),
            sl = r.status.label(),
            err = if r.errors > 0 {
                r.errors.to_string()
            } else {
                String::new()
            },
        );
    }
    b.push_str("</tbody></table>\n</main>");
    Reply::html(layout(state, &format!("{name} — charta"), &b))
}

/// The page of one convention.
pub fn convention(state: &State, id: &str) -> Reply {
    state.refresh();
    if !state.knows(id) {
        return Reply::not_found();
    }
    let Some(row) = state.row(id) else {
        return Reply::not_found();
    };
    let rendered = api::render_markdown(state, id);
    let mut b = String::new();
    let _ = write!(
        b,
        "<header class=\"bandeau\"><div><p class=\"sur\"><a href=\"/\">← Programme</a></p>\
         <h1>{name}</h1><p class=\"sur\">{id} · {kind} · {years} · <span class=\"statut {sk}\">{sl}</span></p></div>\
         <div class=\"actions\"><button id=\"generer\" class=\"principal\" data-only=\"{id}\">Générer cette convention</button></div></header>\n\
         <section id=\"progression\" class=\"progression\" hidden><progress id=\"barre\" value=\"0\" max=\"1\"></progress> <span id=\"etat-generation\"></span></section>\n\
         <div class=\"convention\" id=\"page-convention\" data-id=\"{id}\">\n",
        name = escape(if row.name.is_empty() { id } else { &row.name }),
        id = escape(id),
        kind = escape(kind_label(&row.kind)),
        years = escape(&row.years),
        sk = row.status.key(),
        sl = row.status.label(),
    );
    let (text_html, nav) = match &rendered {
        Ok(md) => convention_html(md),
        Err(_) => (String::new(), Vec::new()),
    };
    // Side navigation.
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
    // Downloads.
    b.push_str(
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
                label = format_label(f.name),
            );
        }
    }
    if !any {
        b.push_str("<li>Pas encore de fichiers : générez la convention.</li>");
    }
    b.push_str("</ul></section>\n");
    // Changes.
    b.push_str("<section id=\"modifications\">");
    b.push_str(&changes_html(state, id, row.signed, rendered.as_ref().ok()));
    b.push_str("</section>\n");
    // Data form (filled by the script from /api/convention/<id>).
    b.push_str("<section id=\"donnees\"><h2>Données et contrôles</h2>");
    if row.signed {
        b.push_str(
            "<p class=\"avertissement\" id=\"signee\">Cette convention est signée : ses données ne se modifient plus. \
             Pour changer un montant, une année ou un objectif, préparez un avenant (liste <code>convention.amendments</code> \
             du fichier de l'association), qui sera signé à son tour.</p>",
        );
    }
    b.push_str(
        "<div id=\"controles-generaux\" class=\"controles\"></div>\
         <form id=\"formulaire\" class=\"formulaire\" autocomplete=\"off\" novalidate></form>\
         <div class=\"enregistrer\"><button id=\"enregistrer\" class=\"principal\" type=\"button\">Enregistrer</button> \
         <span id=\"etat-enregistrement\" role=\"status\"></span></div></section>\n",
    );
    // Text.
    b.push_str("<section id=\"texte\"><h2>Texte de la convention</h2>");
    match &rendered {
        Ok(_) => {
            b.push_str("<article class=\"texte\">");
            b.push_str(&text_html);
            b.push_str("</article>");
        }
        Err(msgs) => {
            b.push_str("<p class=\"avertissement\">Le texte ne peut pas être produit avec ces données :</p><ul>");
            for m in msgs {
                let _ = write!(b, "<li>{}</li>", escape(m));
            }
            b.push_str("</ul>");
        }
    }
    b.push_str("</section>\n</main>\n</div>");
    Reply::html(layout(
        state,
        &format!(
            "{} — charta",
            if row.name.is_empty() { id } else { &row.name }
        ),
        &b,
    ))
}

fn format_label(name: &str) -> &'static str {
    match name {
        "md" => "Markdown (.md)",
        "pdf" => "PDF à signer (.pdf)",
        "odt" => "OpenDocument (.odt)",
        "docx" => "Word (.docx)",
        _ => "fichier",
    }
}

fn kind_word(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "ajoutée",
        ChangeKind::Removed => "supprimée",
        ChangeKind::Moved => "déplacée",
        ChangeKind::Modified => "modifiée",
    }
}

/// « Since the last build » (the `OUT/<id>.md` it wrote vs the text the data
/// gives now). For a signed convention, « since the text in force »: the
/// programme's archive of signed acts (`signed/<id>/`, the text as amended by
/// the last signed avenant), which no build and no `rm -rf OUT` touches; the
/// signed `OUT/<id>.md` when nothing is archived yet.
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
            "<p>Le texte actuel ne peut pas être produit : corrigez d'abord les erreurs des données.</p>"
        } else {
            "<p>Pas de version générée à comparer : générez la convention.</p>"
        });
        return b;
    };
    let diff = match diff::diff_markdown(&old, now) {
        Ok(d) => d,
        Err(e) => {
            let _ = write!(b, "<p>Comparaison impossible : {}</p>", escape(&e));
            return b;
        }
    };
    if diff.changes.is_empty() {
        b.push_str("<p class=\"aucune\">Aucune modification du texte.</p>");
        return b;
    }
    let _ = write!(
        b,
        "<p>{} modification(s) du texte.</p><ol class=\"redline\">",
        diff.changes.len()
    );
    for c in &diff.changes {
        let what = match c.target {
            Target::Title => "En-tête".to_string(),
            Target::Heading => format!(
                "Titre de {}",
                c.part_title.as_deref().or(c.part.as_deref()).unwrap_or("")
            ),
            Target::Clause => {
                let part = match (
                    c.part_kind.as_deref(),
                    c.new_number.as_deref().or(c.old_number.as_deref()),
                ) {
                    (Some("article"), Some(n)) => format!("article {n}"),
                    (Some("annex"), Some(n)) => format!("annexe {n}"),
                    _ => c.part_title.clone().unwrap_or_default(),
                };
                format!(
                    "Clause « {} » ({part}) {}",
                    c.clause.as_deref().unwrap_or(""),
                    kind_word(c.kind)
                )
            }
        };
        let _ = write!(
            b,
            "<li><h3>{}</h3><p class=\"rl\">{}</p></li>",
            escape(&what),
            redline_html(&c.redline)
        );
    }
    b.push_str("</ol>");
    b
}
