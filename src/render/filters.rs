//! The Tera filters and functions clauses use, over [`crate::french`].

use std::collections::HashMap;

use serde_json::Value;
use tera::Tera;

use super::citations::citation;
use crate::french;

fn num_arg(value: &Value, filter: &str) -> tera::Result<f64> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| tera::Error::msg(format!("`{filter}`: not a number"))),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| tera::Error::msg(format!("`{filter}` expects a number, got `{s}`"))),
        Value::Null => Err(tera::Error::msg(format!("`{filter}` got an empty value"))),
        other => Err(tera::Error::msg(format!(
            "`{filter}` expects a number, got {other}"
        ))),
    }
}

fn str_arg<'a>(value: &'a Value, filter: &str) -> tera::Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("`{filter}` expects a string, got {value}")))
}

fn cents_of(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

pub(super) type FilterArgs = HashMap<String, Value>;

pub(super) fn register_filters(tera: &mut Tera) {
    tera.register_filter("euros", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::euros(cents_of(num_arg(v, "euros")?))))
    });
    tera.register_filter("euros_en_lettres", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::euros_in_letters(cents_of(num_arg(
            v,
            "euros_en_lettres",
        )?))))
    });
    tera.register_filter("nombre", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::decimal(num_arg(v, "nombre")?, 2)))
    });
    tera.register_filter("nombre_en_lettres", |v: &Value, _: &FilterArgs| {
        let n = num_arg(v, "nombre_en_lettres")?;
        if n < 0.0 || n.fract() != 0.0 {
            return Err(tera::Error::msg(format!(
                "`nombre_en_lettres` expects a whole number, got {n}"
            )));
        }
        Ok(Value::String(french::cardinal(n as u64)))
    });
    // `pourcentage(decimales=percent_decimals)`: the number of decimals the
    // context computed for the whole document; without it, at most two.
    tera.register_filter("pourcentage", |v: &Value, args: &FilterArgs| {
        let n = num_arg(v, "pourcentage")?;
        match args.get("decimales") {
            None => Ok(Value::String(french::percent(n))),
            Some(d) => match d.as_u64() {
                Some(places @ 0..=4) => {
                    Ok(Value::String(french::percent_fixed(n, places as usize)))
                }
                _ => Err(tera::Error::msg(format!(
                    "`pourcentage(decimales=…)` expects a whole number from 0 to 4, got {d}"
                ))),
            },
        }
    });
    tera.register_filter("date_fr", |v: &Value, _: &FilterArgs| {
        let s = str_arg(v, "date_fr")?;
        french::date_fr(s)
            .map(Value::String)
            .ok_or_else(|| tera::Error::msg(format!("`date_fr`: `{s}` is not a date YYYY-MM-DD")))
    });
    tera.register_filter("siret", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::siret(str_arg(v, "siret")?)))
    });
    tera.register_filter("siren", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::siren(str_arg(v, "siren")?)))
    });
    tera.register_filter("iban", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::iban(str_arg(v, "iban")?)))
    });
    tera.register_filter("rna", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::rna(str_arg(v, "rna")?)))
    });
    // « de » / « à » before a name, contracted with its article (« des Amis »,
    // « au Mans »): `{{ asso.nom | de }}`, `{{ convention.signature.place | a }}`.
    tera.register_filter("de", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::with_de(str_arg(v, "de")?)))
    });
    tera.register_filter("a", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::with_a(str_arg(v, "a")?)))
    });
    // A sentence from the data continued after « : »: its first letter in
    // lower case, unless the word is an acronym (« RSA »).
    tera.register_filter("minuscule_initiale", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::lower_initial(str_arg(
            v,
            "minuscule_initiale",
        )?)))
    });
    tera.register_function("article", |args: &FilterArgs| citation(args, 'a'));
    tera.register_function("annexe", |args: &FilterArgs| citation(args, 'x'));
}
