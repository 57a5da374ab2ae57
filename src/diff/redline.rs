//! The word-level redline of one clause: old text → new text as a list of
//! equal / deleted / inserted segments.
//!
//! Three passes:
//! 1. a Patience diff (`similar`) over the tokens of `tokens`, literally;
//! 2. inside each changed region, a second diff where a cited article or annex
//!    number (« article 7 », « annexe II ») stands for the part it designates
//!    on its own side: « article 7 » → « article 6 » is no change when both
//!    designate the same part (a renumbering), but is one when they designate
//!    different parts. Only changed regions are re-examined, so a citation of
//!    a law that reads the same on both sides (« article 10 de la loi ») is
//!    never mistaken for a citation of the convention;
//! 3. a clean-up that merges edits separated by a mere space or a short word,
//!    so that one change reads as one change.

use std::collections::HashMap;

use similar::{Algorithm, DiffOp, capture_diff_slices};

pub use crate::document::redline::{Op, Segment};

use super::doc::Convention;
use super::tokens::{Kind, Token, tokenize};

/// Which part each article or annex number designates in one convention.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    articles: HashMap<String, String>,
    annexes: HashMap<String, String>,
}

impl Numbering {
    pub fn of(conv: &Convention) -> Numbering {
        let mut n = Numbering::default();
        for p in &conv.parts {
            let Some(number) = &p.number else { continue };
            let map = match p.kind.as_str() {
                "article" => &mut n.articles,
                "annex" => &mut n.annexes,
                _ => continue,
            };
            map.insert(number.clone(), p.id.clone());
        }
        n
    }
}

/// The comparison key of a token. Kinds of spaces never count (a no-break
/// space where there was a space is typography, not wording), nor do the
/// group separators inside a number; with `numbering`, a cited article or
/// annex number stands for the part it designates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key<'a> {
    Text(&'a str, Kind),
    Number(String),
    Space,
    Part(&'a str),
}

fn keys<'a>(tokens: &[Token<'a>], numbering: Option<&'a Numbering>) -> Vec<Key<'a>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous_word: Option<&str> = None;
    for t in tokens {
        let cited = match (numbering, previous_word) {
            (Some(n), Some("article" | "Article")) => n.articles.get(t.text),
            (Some(n), Some("annexe" | "Annexe")) => n.annexes.get(t.text),
            _ => None,
        };
        let key = match (t.kind, cited) {
            (Kind::Word | Kind::Number, Some(part)) => Key::Part(part.as_str()),
            (Kind::Space, _) => Key::Space,
            (Kind::Number, None) => Key::Number(
                t.text
                    .chars()
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .collect(),
            ),
            _ => Key::Text(t.text, t.kind),
        };
        out.push(key);
        if t.kind != Kind::Space {
            previous_word = Some(t.text);
        }
    }
    out
}

/// Appends `text` to `out`, merging with the last segment when it has the same op.
fn push(out: &mut Vec<Segment>, op: Op, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => out.push(Segment {
            op,
            text: text.to_string(),
        }),
    }
}

fn concat(tokens: &[Token<'_>]) -> String {
    tokens.iter().map(|t| t.text).collect()
}

/// A run of tokens between two edits that is too slight to stand on its own:
/// spaces, punctuation, or one short word (« et », « de »), on one line.
fn is_slight(tokens: &[Token<'_>]) -> bool {
    if tokens.iter().any(|t| t.kind == Kind::Newline) {
        return false;
    }
    let solid: Vec<&Token> = tokens.iter().filter(|t| t.kind != Kind::Space).collect();
    match solid.as_slice() {
        [] => true,
        // A table pipe is structure: edits in two cells stay two edits.
        [t] => t.text != "|" && (t.kind == Kind::Punct || t.text.chars().count() <= 3),
        _ => false,
    }
}

/// One aligned stretch of the two token lists.
enum Piece {
    Equal(usize, usize, usize),
    Change(std::ops::Range<usize>, std::ops::Range<usize>),
}

/// Aligns two token lists by their literal keys `old`/`new`; `old_keys`/`new_keys`
/// (citations resolved) decide what counts as equal inside the regions that differ.
fn align(old: &[Key], new: &[Key], old_keys: &[Key], new_keys: &[Key]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let ops = capture_diff_slices(Algorithm::Patience, old, new);
    let mut pending: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    let flush = |pending: &mut Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
                 pieces: &mut Vec<Piece>| {
        let Some((o, n)) = pending.take() else { return };
        // Second pass: citations stand for the parts they designate.
        let sub = capture_diff_slices(
            Algorithm::Patience,
            &old_keys[o.clone()],
            &new_keys[n.clone()],
        );
        for op in sub {
            let (tag, or, nr) = op.as_tag_tuple();
            let (or, nr) = (
                or.start + o.start..or.end + o.start,
                nr.start + n.start..nr.end + n.start,
            );
            if tag == similar::DiffTag::Equal {
                pieces.push(Piece::Equal(or.start, nr.start, or.len()));
            } else {
                pieces.push(Piece::Change(or, nr));
            }
        }
    };
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                flush(&mut pending, &mut pieces);
                pieces.push(Piece::Equal(old_index, new_index, len));
            }
            other => {
                let (o, n) = (other.old_range(), other.new_range());
                pending = Some(match pending.take() {
                    Some((po, pn)) => (po.start..o.end, pn.start..n.end),
                    None => (o, n),
                });
            }
        }
    }
    flush(&mut pending, &mut pieces);
    pieces
}

/// The redline of `old` → `new`. Equal segments carry the new text (where a
/// renumbered citation was neutralised, the new number).
pub fn redline(
    old: &str,
    new: &str,
    old_numbers: &Numbering,
    new_numbers: &Numbering,
) -> Vec<Segment> {
    if old == new {
        return if new.is_empty() {
            Vec::new()
        } else {
            vec![Segment {
                op: Op::Equal,
                text: new.to_string(),
            }]
        };
    }
    let (to, tn) = (tokenize(old), tokenize(new));
    let (lo, ln) = (keys(&to, None), keys(&tn, None));
    let (ko, kn) = (keys(&to, Some(old_numbers)), keys(&tn, Some(new_numbers)));
    let pieces = align(&lo, &ln, &ko, &kn);

    // Merge adjacent changes, absorbing slight equal runs between them.
    let mut merged: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Equal(o, n, len) => merged.push(Piece::Equal(*o, *n, *len)),
            Piece::Change(o, n) => {
                let (mut o, mut n) = (o.clone(), n.clone());
                let mut j = i + 1;
                loop {
                    match (pieces.get(j), pieces.get(j + 1)) {
                        (Some(Piece::Change(o2, n2)), _) => {
                            o.end = o2.end;
                            n.end = n2.end;
                            j += 1;
                        }
                        (Some(Piece::Equal(eo, en, len)), Some(Piece::Change(o2, n2)))
                            if is_slight(&tn[*en..en + len]) && is_slight(&to[*eo..eo + len]) =>
                        {
                            o.end = o2.end;
                            n.end = n2.end;
                            j += 2;
                        }
                        _ => break,
                    }
                }
                merged.push(Piece::Change(o, n));
                i = j;
                continue;
            }
        }
        i += 1;
    }

    let mut out = Vec::new();
    for p in merged {
        match p {
            Piece::Equal(_, n, len) => push(&mut out, Op::Equal, &concat(&tn[n..n + len])),
            Piece::Change(o, n) => {
                // Spaces shared by both ends stay outside the marks.
                let (old_part, new_part) = (&to[o], &tn[n]);
                let lead = old_part
                    .iter()
                    .zip(new_part.iter())
                    .take_while(|(a, b)| a.kind == Kind::Space && b.kind == Kind::Space)
                    .count();
                let trail = old_part[lead..]
                    .iter()
                    .rev()
                    .zip(new_part[lead..].iter().rev())
                    .take_while(|(a, b)| a.kind == Kind::Space && b.kind == Kind::Space)
                    .count();
                push(&mut out, Op::Equal, &concat(&new_part[..lead]));
                push(
                    &mut out,
                    Op::Delete,
                    &concat(&old_part[lead..old_part.len() - trail]),
                );
                push(
                    &mut out,
                    Op::Insert,
                    &concat(&new_part[lead..new_part.len() - trail]),
                );
                push(
                    &mut out,
                    Op::Equal,
                    &concat(&new_part[new_part.len() - trail..]),
                );
            }
        }
    }
    out
}

/// Whether a redline holds any deletion or insertion.
pub fn has_edits(segments: &[Segment]) -> bool {
    segments.iter().any(|s| s.op != Op::Equal)
}

/// The redline of a text that exists on one side only.
pub fn whole(op: Op, text: &str) -> Vec<Segment> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Segment {
            op,
            text: text.to_string(),
        }]
    }
}

/// Number of separate edits (a deletion and the insertion that replaces it count once).
pub fn edit_count(segments: &[Segment]) -> usize {
    let mut n = 0;
    let mut in_edit = false;
    for s in segments {
        match s.op {
            Op::Equal => in_edit = false,
            _ if !in_edit => {
                n += 1;
                in_edit = true;
            }
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbering(pairs: &[(&str, &str)]) -> Numbering {
        let mut n = Numbering::default();
        for (num, id) in pairs {
            n.articles.insert(num.to_string(), id.to_string());
        }
        n
    }

    fn show(segs: &[Segment]) -> String {
        segs.iter()
            .map(|s| match s.op {
                Op::Equal => s.text.clone(),
                Op::Delete => format!("[-{}-]", s.text),
                Op::Insert => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn renumbered_citation_is_not_a_change() {
        let old = numbering(&[("7", "justificatifs"), ("10", "engagements")]);
        let new = numbering(&[("6", "justificatifs"), ("10", "cer")]);
        let segs = redline(
            "les documents mentionnés à l'article 7 et l'article 10 de la loi.",
            "les documents mentionnés à l'article 6 et l'article 10 de la loi.",
            &old,
            &new,
        );
        assert!(!has_edits(&segs), "{}", show(&segs));
        assert_eq!(
            segs[0].text,
            "les documents mentionnés à l'article 6 et l'article 10 de la loi."
        );
    }

    #[test]
    fn citation_to_another_part_is_a_change() {
        let old = numbering(&[("7", "justificatifs"), ("6", "locaux")]);
        let new = numbering(&[("6", "justificatifs"), ("7", "controle")]);
        let segs = redline("voir l'article 7.", "voir l'article 7.", &old, &new);
        // Literally the same text: nothing to show.
        assert!(!has_edits(&segs));
        let segs = redline("voir l'article 6.", "voir l'article 7.", &old, &new);
        assert_eq!(show(&segs), "voir l'article [-6-]{+7+}.");
    }

    #[test]
    fn amount_with_letters_is_one_edit() {
        let n = Numbering::default();
        let segs = redline(
            "un montant de 47\u{202F}500,50\u{A0}€ (quarante-sept mille cinq cents euros et cinquante centimes), soit 30\u{A0}%.",
            "un montant de 50\u{202F}000\u{A0}€ (cinquante mille euros), soit 30\u{A0}%.",
            &n,
            &n,
        );
        assert_eq!(edit_count(&segs), 1, "{}", show(&segs));
        assert_eq!(
            show(&segs),
            "un montant de [-47\u{202F}500,50\u{A0}€ (quarante-sept mille cinq cents euros et cinquante centimes)-]{+50\u{202F}000\u{A0}€ (cinquante mille euros)+}, soit 30\u{A0}%."
        );
    }

    #[test]
    fn slight_equalities_are_absorbed() {
        let n = Numbering::default();
        let segs = redline("le chat noir dort", "la vache blanche dort", &n, &n);
        assert_eq!(show(&segs), "[-le chat noir-]{+la vache blanche+} dort");
    }
}
