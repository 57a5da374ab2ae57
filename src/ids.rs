//! French and banking identifiers: SIREN/SIRET (Luhn, with the La Poste
//! exception), RNA, IBAN (ISO 13616 mod 97, and the RIB key of a French IBAN), BIC.
//!
//! Pure functions over strings that say what is wrong; the wording of the
//! diagnostics is in `check::association`. Spaces are tolerated (a SIRET or an
//! IBAN is often written in groups); nothing here formats or renders.

/// The SIREN of La Poste, whose establishments' SIRETs follow another rule.
pub const LA_POSTE_SIREN: &str = "356000000";

/// What is wrong with a SIREN or SIRET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiretProblem {
    /// Not only digits (and spaces).
    NotDigits,
    /// Wrong number of digits.
    Length(usize),
    /// The whole number fails the Luhn check (or, for La Poste, the sum of digits rule).
    Luhn,
    /// The SIRET passes, but its first 9 digits (the SIREN) fail the Luhn check.
    SirenLuhn,
}

/// The identifier without spaces.
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Luhn over all digits: from the right, every second digit doubled (minus 9 above 9);
/// the sum is a multiple of 10.
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let d = u32::from(c - b'0');
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    sum.is_multiple_of(10)
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

/// A SIREN: 9 digits, Luhn.
pub fn check_siren(s: &str) -> Result<(), SiretProblem> {
    let d = compact(s);
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SiretProblem::NotDigits);
    }
    if d.len() != 9 {
        return Err(SiretProblem::Length(d.len()));
    }
    if luhn_ok(&d) {
        Ok(())
    } else {
        Err(SiretProblem::Luhn)
    }
}

/// A SIRET: 14 digits, Luhn over all of them and over the SIREN (the first 9);
/// for La Poste (SIREN 356000000) the sum of the 14 digits is a multiple of 5 instead.
pub fn check_siret(s: &str) -> Result<(), SiretProblem> {
    let d = compact(s);
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SiretProblem::NotDigits);
    }
    if d.len() != 14 {
        return Err(SiretProblem::Length(d.len()));
    }
    if &d[..9] == LA_POSTE_SIREN {
        return if digit_sum(&d).is_multiple_of(5) {
            Ok(())
        } else {
            Err(SiretProblem::Luhn)
        };
    }
    if !luhn_ok(&d) {
        return Err(SiretProblem::Luhn);
    }
    if !luhn_ok(&d[..9]) {
        return Err(SiretProblem::SirenLuhn);
    }
    Ok(())
}

/// RNA: `W` followed by 9 digits.
pub fn rna_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[0] == b'W' && b[1..].iter().all(u8::is_ascii_digit)
}

/// What is wrong with an IBAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IbanProblem {
    /// Not two letters, two digits, then letters and digits.
    Format,
    /// Wrong length for its country (`expected` is known for a few countries).
    Length {
        country: String,
        expected: usize,
        got: usize,
    },
    /// Wrong length for any country (15 to 34 characters).
    GeneralLength(usize),
    /// The ISO 13616 check (mod 97 = 1) fails.
    Mod97,
    /// A French IBAN whose RIB key (the last two digits) does not match.
    RibKey,
}

/// Lengths of the IBANs a French funder meets most (France and its neighbours,
/// French overseas territories share FR).
fn country_length(cc: &str) -> Option<usize> {
    Some(match cc {
        "FR" | "MC" | "IT" | "SM" => 27,
        "DE" => 22,
        "BE" => 16,
        "LU" => 20,
        "CH" | "LI" => 21,
        "ES" => 24,
        "PT" => 25,
        "NL" => 18,
        "GB" => 22,
        "AD" => 24,
        _ => return None,
    })
}

/// An IBAN: country letters, check digits, BBAN; mod 97 = 1; French RIB key.
pub fn check_iban(s: &str) -> Result<(), IbanProblem> {
    let d = compact(s).to_ascii_uppercase();
    let b = d.as_bytes();
    if b.len() < 5
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(IbanProblem::Format);
    }
    let cc = &d[..2];
    match country_length(cc) {
        Some(n) if n != b.len() => {
            return Err(IbanProblem::Length {
                country: cc.to_string(),
                expected: n,
                got: b.len(),
            });
        }
        None if !(15..=34).contains(&b.len()) => return Err(IbanProblem::GeneralLength(b.len())),
        _ => {}
    }
    if iban_mod97(&d) != 1 {
        return Err(IbanProblem::Mod97);
    }
    if cc == "FR" && !rib_key_ok(&d[4..]) {
        return Err(IbanProblem::RibKey);
    }
    Ok(())
}

/// The IBAN with its first four characters moved to the end, letters as numbers, mod 97.
pub fn iban_mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let mut r = 0u32;
    for c in rearranged {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r
}

/// The RIB key of a French BBAN (bank 5, branch 5, account 11, key 2):
/// 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), letters of the account
/// converted by the banking table (A, J → 1; B, K, S → 2; …).
pub fn rib_key_ok(bban: &str) -> bool {
    if bban.len() != 23 {
        return false;
    }
    let conv = |c: u8| -> Option<u64> {
        match c {
            b'0'..=b'9' => Some(u64::from(c - b'0')),
            b'A'..=b'I' => Some(u64::from(c - b'A') + 1),
            b'J'..=b'R' => Some(u64::from(c - b'J') + 1),
            b'S'..=b'Z' => Some(u64::from(c - b'S') + 2),
            _ => None,
        }
    };
    let num = |s: &str| -> Option<u64> {
        s.bytes()
            .try_fold(0u64, |acc, c| Some((acc * 10 + conv(c)?) % 97))
    };
    let (Some(bank), Some(branch), Some(account)) =
        (num(&bban[..5]), num(&bban[5..10]), num(&bban[10..21]))
    else {
        return false;
    };
    let Ok(key) = bban[21..].parse::<u64>() else {
        return false;
    };
    97 - ((89 * bank + 15 * branch + 3 * account) % 97) == key
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (place),
/// optionally 3 letters or digits (branch).
pub fn bic_ok(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `iban` compacted and in capitals, when it is a valid IBAN.
pub fn valid_iban(iban: &str) -> Option<String> {
    check_iban(iban).ok()?;
    Some(compact(iban).to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_luhn() {
        assert_eq!(check_siret("44306184100047"), Ok(()));
        assert_eq!(check_siret("443 061 841 00047"), Ok(()));
        assert_eq!(check_siret("44306184100048"), Err(SiretProblem::Luhn));
        assert_eq!(check_siret("4430618410004"), Err(SiretProblem::Length(13)));
        assert_eq!(check_siret("4430618410004A"), Err(SiretProblem::NotDigits));
        assert_eq!(check_siren("443061841"), Ok(()));
        assert_eq!(check_siren("443061842"), Err(SiretProblem::Luhn));
        // Passes Luhn over 14 digits, but its SIREN 100000000 does not.
        assert!(luhn_ok("10000000000008") && !luhn_ok("100000000"));
        assert_eq!(check_siret("10000000000008"), Err(SiretProblem::SirenLuhn));
    }

    #[test]
    fn la_poste_exception() {
        // Sum of digits 3+5+6+0… = 14 + 1 = 15: a multiple of 5, not a Luhn number.
        let s = "35600000000001";
        assert!(!luhn_ok(s));
        assert_eq!(check_siret(s), Ok(()));
        assert_eq!(check_siret("35600000000002"), Err(SiretProblem::Luhn));
        assert_eq!(check_siren(LA_POSTE_SIREN), Ok(()));
    }

    #[test]
    fn rna() {
        assert!(rna_ok("W081001234"));
        assert!(!rna_ok("W08100123"));
        assert!(!rna_ok("w081001234"));
        assert!(!rna_ok("0081001234"));
    }

    #[test]
    fn iban() {
        assert_eq!(check_iban("FR7630006000011234567890189"), Ok(()));
        assert_eq!(check_iban("FR76 3000 6000 0112 3456 7890 189"), Ok(()));
        assert_eq!(
            check_iban("FR7630006000011234567890188"),
            Err(IbanProblem::Mod97)
        );
        assert_eq!(
            check_iban("FR763000600001123456789018"),
            Err(IbanProblem::Length {
                country: "FR".into(),
                expected: 27,
                got: 26
            })
        );
        assert_eq!(check_iban("DE89370400440532013000"), Ok(()));
        assert_eq!(check_iban("GB82WEST12345698765432"), Ok(()));
        assert_eq!(
            check_iban("7630006000011234567890189"),
            Err(IbanProblem::Format)
        );
        assert!(rib_key_ok("30006000011234567890189"));
        assert!(!rib_key_ok("30006000011234567890188"));
    }

    proptest::proptest! {
        /// Luhn catches every single-digit error: a SIRET with one digit changed fails.
        #[test]
        fn one_wrong_digit_fails_the_siret(prefix in "[1-9][0-9]{12}", at in 0usize..14, delta in 1u8..10) {
            let valid = (0..10)
                .map(|d| format!("{prefix}{d}"))
                .find(|s| luhn_ok(s))
                .expect("one check digit fits");
            proptest::prop_assume!(&valid[..9] != LA_POSTE_SIREN);
            let mut b = valid.into_bytes();
            b[at] = b'0' + (b[at] - b'0' + delta) % 10;
            let wrong = String::from_utf8(b).expect("digits");
            proptest::prop_assert_eq!(check_siret(&wrong), Err(SiretProblem::Luhn));
        }

        /// Mod 97 catches every single-character error of an IBAN.
        #[test]
        fn one_wrong_character_fails_the_iban(at in 4usize..27, delta in 1u8..10) {
            let valid = "FR7630006000011234567890189";
            let mut b = valid.as_bytes().to_vec();
            b[at] = b'0' + (b[at] - b'0' + delta) % 10;
            let wrong = String::from_utf8(b).expect("ascii");
            proptest::prop_assert_eq!(check_iban(&wrong), Err(IbanProblem::Mod97));
        }
    }

    #[test]
    fn bic() {
        assert!(bic_ok("AGRIFRPP"));
        assert!(bic_ok("AGRIFRPP867"));
        assert!(!bic_ok("AGRIFRP"));
        assert!(!bic_ok("AGRIFRPP86"));
        assert!(!bic_ok("AGR1FRPP"));
    }
}
