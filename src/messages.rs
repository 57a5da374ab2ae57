//! French for the messages of the parsers charta uses (serde, serde_json,
//! toml): what a user reads about a JSON or TOML file is French too. A
//! message this module does not know stays as the parser wrote it.

use crate::diagnostic::Text;
use crate::tr;

/// `message` (serde, serde_json or toml) in French and English.
pub fn parser_message(message: &str) -> Text {
    let en = message.to_string();
    match french(message) {
        Some(fr) => Text::new(fr, en),
        None => Text::verbatim(en),
    }
}

/// Parser messages said the same way every time: English → French.
const FIXED: &[(&str, &str)] = &[
    ("expected `,` or `}`", "`,` ou `}` attendu"),
    ("expected `,` or `]`", "`,` ou `]` attendu"),
    ("expected `:`", "`:` attendu"),
    ("expected value", "une valeur est attendue"),
    ("expected ident", "un mot-clé attendu (true, false ou null)"),
    (
        "EOF while parsing a value",
        "fin du fichier au milieu d'une valeur",
    ),
    (
        "EOF while parsing an object",
        "fin du fichier au milieu d'un objet (une `}` manque)",
    ),
    (
        "EOF while parsing a list",
        "fin du fichier au milieu d'une liste (un `]` manque)",
    ),
    (
        "EOF while parsing a string",
        "fin du fichier au milieu d'un texte (un guillemet manque)",
    ),
    ("trailing comma", "virgule en trop avant la fermeture"),
    (
        "key must be a string",
        "une clé doit être un texte entre guillemets",
    ),
    ("invalid number", "nombre invalide"),
    ("number out of range", "nombre hors limites"),
    (
        "trailing characters",
        "caractères en trop après la fin du document",
    ),
    ("invalid escape", "séquence d'échappement invalide"),
    (
        "invalid unicode code point",
        "point de code Unicode invalide",
    ),
    (
        "lone leading surrogate in hex escape",
        "demi-codet isolé dans une séquence \\u",
    ),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "caractère de contrôle dans un texte (un retour à la ligne doit s'écrire \\n)",
    ),
    ("invalid table header", "en-tête de table invalide"),
    ("invalid key", "clé invalide"),
    ("invalid string", "texte invalide"),
    ("invalid inline table", "table en ligne invalide"),
    ("invalid array", "tableau invalide"),
    ("invalid basic string", "texte invalide"),
];

/// Parser messages that start the same way and carry a name or a value:
/// their English prefix and how to say the rest in French.
/// How to say in French what follows a message's prefix.
type Say = fn(&str) -> Option<String>;

const PATTERNS: &[(&str, Say)] = &[
    ("unknown field `", unknown_field),
    ("unknown variant `", unknown_variant),
    ("missing field `", |rest| {
        let (field, _) = rest.split_once('`')?;
        Some(format!("champ `{field}` manquant"))
    }),
    ("duplicate field `", |rest| {
        let (field, _) = rest.split_once('`')?;
        Some(format!("champ `{field}` donné deux fois"))
    }),
    ("duplicate key `", |rest| {
        let (field, _) = rest.split_once('`')?;
        Some(format!("clé `{field}` donnée deux fois"))
    }),
    ("invalid type: ", |rest| {
        let (found, expected) = rest.split_once(", expected ")?;
        Some(format!(
            "type invalide\u{a0}: {} trouvé, {expected} attendu",
            found_fr(found)
        ))
    }),
    ("invalid value: ", |rest| {
        let (found, expected) = rest.split_once(", expected ")?;
        Some(format!(
            "valeur invalide\u{a0}: {} trouvé, {expected} attendu",
            found_fr(found)
        ))
    }),
    ("invalid length ", |rest| {
        let (n, expected) = rest.split_once(", expected ")?;
        Some(format!("longueur invalide {n}, {expected} attendu"))
    }),
];

/// The French of a parser message, if this module knows it.
fn french(m: &str) -> Option<String> {
    if let Some((_, fr)) = FIXED.iter().find(|(en, _)| m == *en) {
        return Some(fr.to_string());
    }
    let (prefix, say) = PATTERNS.iter().find(|(p, _)| m.starts_with(p))?;
    say(&m[prefix.len()..])
}

/// « unknown field `x`, expected one of `a`, `b` ».
fn unknown_field(rest: &str) -> Option<String> {
    let (field, tail) = rest.split_once('`')?;
    Some(match tail.strip_prefix(", expected one of ") {
        Some(list) => format!("champ inconnu `{field}`, champs possibles\u{a0}: {list}"),
        None => match tail.strip_prefix(", expected ") {
            Some(one) => format!("champ inconnu `{field}`, champ possible\u{a0}: {one}"),
            None => format!("champ inconnu `{field}`"),
        },
    })
}

/// « unknown variant `x`, expected one of `a`, `b` ».
fn unknown_variant(rest: &str) -> Option<String> {
    let (v, tail) = rest.split_once('`')?;
    let list = tail
        .strip_prefix(", expected one of ")
        .or_else(|| tail.strip_prefix(", expected "))
        .unwrap_or("");
    Some(format!(
        "valeur inconnue `{v}`, valeurs possibles\u{a0}: {list}"
    ))
}

/// serde's « string "x" », « integer `3` »… in French.
fn found_fr(found: &str) -> String {
    for (en, fr) in [
        ("string ", "le texte "),
        ("integer ", "l'entier "),
        ("floating point ", "le nombre "),
        ("boolean ", "le booléen "),
    ] {
        if let Some(rest) = found.strip_prefix(en) {
            return format!("{fr}{rest}");
        }
    }
    match found {
        "map" => "un objet".into(),
        "sequence" => "une liste".into(),
        "null" | "unit value" => "null".into(),
        other => other.into(),
    }
}

/// From serde's « unknown field `fundng`, expected one of `a`, `b` », a « did you mean » hint.
pub fn unknown_field_hint(message: &str) -> Option<Text> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(field, n), *n))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n);
    Some(match best {
        Some(n) => tr!("vouliez-vous dire `{n}`\u{a0}?", "did you mean `{n}`?"),
        None if !names.is_empty() => {
            let list = names.join(", ");
            tr!("champs possibles\u{a0}: {list}", "expected one of: {list}")
        }
        None => Text::new("supprimez ce champ", "remove this field"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_in_french() {
        assert_eq!(
            parser_message("unknown field `fundng`, expected one of `funding`, `years`").fr,
            "champ inconnu `fundng`, champs possibles\u{a0}: `funding`, `years`"
        );
        assert_eq!(
            parser_message("invalid type: string \"x\", expected u32").fr,
            "type invalide\u{a0}: le texte \"x\" trouvé, u32 attendu"
        );
        assert_eq!(
            parser_message("expected `,` or `}`").fr,
            "`,` ou `}` attendu"
        );
        let unknown = parser_message("something new");
        assert_eq!(
            (unknown.fr.as_str(), unknown.en.as_str()),
            ("something new", "something new")
        );
    }
}
