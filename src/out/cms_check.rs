//! The CMS SignedData of a PDF signature (`/Contents`), checked over the
//! bytes of its byte range: the digest of those bytes against the signed
//! `messageDigest` attribute, then the signature over the DER of the signed
//! attributes with the key of the signer's certificate.
//!
//! Supported: digests SHA-256, SHA-384, SHA-512; signatures RSA PKCS#1 v1.5
//! (with any of those digests) and ECDSA P-256 with SHA-256. Not supported
//! (reported as not checked): RSASSA-PSS, other curves, SHA-1. Not checked at
//! all: the certificate's chain of trust, its validity dates and revocation,
//! and whether the signature is qualified (eIDAS) — only that the bytes are
//! those the holder of the certificate's key signed.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Encode, SliceReader, Tag, Tagged};
use sha2::Digest;
use x509_cert::Certificate;

const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const CN: Oid = Oid::new_unwrap("2.5.4.3");
const O: Oid = Oid::new_unwrap("2.5.4.10");
const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");

/// What the CMS object says and whether it holds.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The signer certificate's common name (CN) and organisation (O).
    pub common_name: Option<String>,
    pub organisation: Option<String>,
    /// The `signingTime` signed attribute, `2026-12-07 14:25:48 UTC`.
    pub signing_time: Option<String>,
    /// `RSA PKCS#1 v1.5, SHA-256`…, when known.
    pub algorithm: Option<String>,
    /// `Ok`: the signature holds over the bytes. `Err`: why not, in French
    /// and English (the digest differs, the signature fails, not supported…).
    pub intact: Result<(), (String, String)>,
}

fn fail<T>(fr: &str, en: &str) -> Result<T, (String, String)> {
    Err((fr.to_string(), en.to_string()))
}

/// Checks `contents` (the CMS bytes, maybe zero-padded) over `signed` (the
/// bytes of the byte range, concatenated).
pub fn check(contents: &[u8], signed: &[u8]) -> Checked {
    let mut c = Checked {
        common_name: None,
        organisation: None,
        signing_time: None,
        algorithm: None,
        intact: Ok(()),
    };
    c.intact = run(contents, signed, &mut c);
    c
}

fn run(contents: &[u8], signed: &[u8], c: &mut Checked) -> Result<(), (String, String)> {
    let unreadable = || {
        (
            "la valeur de la signature (/Contents) n'est pas un objet CMS SignedData lisible"
                .to_string(),
            "the signature value (/Contents) is not a readable CMS SignedData".to_string(),
        )
    };
    let mut reader = SliceReader::new(contents).map_err(|_| unreadable())?;
    let info = <ContentInfo as der::Decode>::decode(&mut reader).map_err(|_| unreadable())?;
    if info.content_type != SIGNED_DATA {
        return Err(unreadable());
    }
    let der = info.content.to_der().map_err(|_| unreadable())?;
    let sd = SignedData::from_der(&der).map_err(|_| unreadable())?;
    let infos: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return fail(
            "l'objet CMS n'a pas exactement un signataire",
            "the CMS object has not exactly one signer",
        );
    };
    let certs: Vec<&Certificate> = sd
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|ch| match ch {
                    CertificateChoices::Certificate(cert) => Some(cert),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(cert) = certs.iter().copied().find(|cert| identifies(&si.sid, cert)) else {
        return fail(
            "le certificat du signataire n'est pas dans la signature",
            "the signer's certificate is not in the signature",
        );
    };
    let (cn, o) = subject(cert);
    c.common_name = cn;
    c.organisation = o;
    c.signing_time = signing_time(si);
    let digest = digest_of(&si.digest_alg.oid, signed)?;
    let to_verify = match &si.signed_attrs {
        Some(attrs) => {
            let md = attrs
                .iter()
                .find(|a| a.oid == MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .filter(|v| v.tag() == Tag::OctetString)
                .map(|v| v.value().to_vec());
            if md.as_deref() != Some(digest.as_slice()) {
                return fail(
                    "l'empreinte des octets signés diffère de celle que la signature porte (messageDigest)\u{a0}: le fichier a changé après la signature",
                    "the digest of the signed bytes differs from the one the signature carries (messageDigest): the file changed after signing",
                );
            }
            Some(attrs.to_der().map_err(|_| unreadable())?)
        }
        None => None,
    };
    verify(c, cert, si, &digest, to_verify.as_deref())
}

/// Whether `cert` is the one `sid` names.
fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = &cert.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            isn.issuer == tbs.issuer && isn.serial_number == tbs.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == SUBJECT_KEY_ID)
            .any(|e| e.extn_value.as_bytes().ends_with(ski.0.as_bytes())),
    }
}

fn digest_of(alg: &Oid, bytes: &[u8]) -> Result<Vec<u8>, (String, String)> {
    Ok(match *alg {
        SHA256 => sha2::Sha256::digest(bytes).to_vec(),
        SHA384 => sha2::Sha384::digest(bytes).to_vec(),
        SHA512 => sha2::Sha512::digest(bytes).to_vec(),
        _ => {
            return Err((
                format!("algorithme d'empreinte non pris en charge ({alg})\u{a0}: non vérifiée"),
                format!("digest algorithm not supported ({alg}): not checked"),
            ));
        }
    })
}

/// The signature of `si` checked with `cert`'s key: over the DER of the
/// signed attributes (`attrs`), else over the content's digest directly.
fn verify(
    c: &mut Checked,
    cert: &Certificate,
    si: &SignerInfo,
    digest: &[u8],
    attrs: Option<&[u8]>,
) -> Result<(), (String, String)> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap_or_default();
    let (sig_alg, key_alg) = (
        si.signature_algorithm.oid,
        cert.tbs_certificate.subject_public_key_info.algorithm.oid,
    );
    let signature = si.signature.as_bytes();
    let bad = || {
        fail(
            "la signature ne correspond pas aux octets signés avec la clé du certificat",
            "the signature does not match the signed bytes with the certificate's key",
        )
    };
    let digest_name = match si.digest_alg.oid {
        SHA384 => "SHA-384",
        SHA512 => "SHA-512",
        _ => "SHA-256",
    };
    if key_alg == RSA && [RSA, RSA_SHA256, RSA_SHA384, RSA_SHA512].contains(&sig_alg) {
        use rsa::pkcs8::DecodePublicKey;
        c.algorithm = Some(format!("RSA PKCS#1 v1.5, {digest_name}"));
        let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki) else {
            return bad();
        };
        let (scheme, hashed) = match (attrs, si.digest_alg.oid) {
            (Some(a), SHA384) => (
                rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                sha2::Sha384::digest(a).to_vec(),
            ),
            (Some(a), SHA512) => (
                rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                sha2::Sha512::digest(a).to_vec(),
            ),
            (Some(a), _) => (
                rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                sha2::Sha256::digest(a).to_vec(),
            ),
            (None, SHA384) => (rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), digest.to_vec()),
            (None, SHA512) => (rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), digest.to_vec()),
            (None, _) => (rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest.to_vec()),
        };
        return key.verify(scheme, &hashed, signature).or_else(|_| bad());
    }
    if key_alg == EC_PUBLIC_KEY && sig_alg == ECDSA_SHA256 {
        use p256::ecdsa::signature::Verifier;
        use p256::pkcs8::DecodePublicKey;
        c.algorithm = Some("ECDSA P-256, SHA-256".to_string());
        let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) else {
            return fail(
                "clé ECDSA d'une autre courbe que P-256\u{a0}: non vérifiée",
                "ECDSA key on a curve other than P-256: not checked",
            );
        };
        let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else {
            return bad();
        };
        let Some(attrs) = attrs else {
            return fail(
                "ECDSA sans attributs signés\u{a0}: non pris en charge, non vérifiée",
                "ECDSA without signed attributes: not supported, not checked",
            );
        };
        return key.verify(attrs, &sig).or_else(|_| bad());
    }
    let what = if sig_alg == RSA_PSS {
        "RSASSA-PSS".to_string()
    } else {
        sig_alg.to_string()
    };
    Err((
        format!("algorithme de signature non pris en charge ({what})\u{a0}: non vérifiée"),
        format!("signature algorithm not supported ({what}): not checked"),
    ))
}

/// The CN and O of the certificate's subject.
fn subject(cert: &Certificate) -> (Option<String>, Option<String>) {
    let (mut cn, mut o) = (None, None);
    for rdn in &cert.tbs_certificate.subject.0 {
        for atv in rdn.0.iter() {
            let text = string_of(&atv.value);
            if atv.oid == CN {
                cn = cn.or(text);
            } else if atv.oid == O {
                o = o.or(text);
            }
        }
    }
    (cn, o)
}

fn string_of(v: &der::Any) -> Option<String> {
    match v.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            Some(String::from_utf8_lossy(v.value()).into_owned())
        }
        Tag::TeletexString => Some(v.value().iter().map(|&c| char::from(c)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = v
                .value()
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

fn signing_time(si: &SignerInfo) -> Option<String> {
    let attr = si
        .signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == SIGNING_TIME)?;
    let value = attr.values.iter().next()?;
    let time = x509_cert::time::Time::from_der(&value.to_der().ok()?).ok()?;
    let t = time.to_date_time();
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    ))
}

/// A PDF date (`D:20261207142601Z`, `D:20261207152601+01'00'`) as
/// `2026-12-07 14:26:01 UTC` / `2026-12-07 15:26:01 +01:00`.
pub fn pdf_date(m: &str) -> Option<String> {
    let s = m.strip_prefix("D:").unwrap_or(m);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    let part = |a: usize, b: usize| digits.get(a..b).unwrap_or("00");
    let rest = &s[digits.len()..];
    let zone = match rest.chars().next() {
        None | Some('Z') => "UTC".to_string(),
        Some(sign @ ('+' | '-')) => {
            let z: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            format!(
                "{sign}{}:{}",
                z.get(0..2).unwrap_or("00"),
                z.get(2..4).unwrap_or("00")
            )
        }
        Some(_) => String::new(),
    };
    Some(format!(
        "{}-{}-{} {}:{}:{} {zone}",
        part(0, 4),
        part(4, 6),
        part(6, 8),
        part(8, 10),
        part(10, 12),
        part(12, 14)
    ))
}
