//! Aligns two versions of a convention by clause id and part id and lists
//! what changed: clauses added, removed, moved or modified, part headings and
//! the title block modified.
//!
//! Positions never align anything. A clause is *moved* when it changed part,
//! or when its order among the clauses both versions share changed (those
//! outside a longest common subsequence of the shared ids). Numbers never
//! count: a part is compared by its title without its number, and citations
//! inside clauses are compared through the part they designate (see
//! `redline`), so a renumbering alone yields no change.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::doc::{Clause, Convention, Part};
use super::redline::{self, Numbering, Op, Segment};

/// The kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Moved,
    Modified,
}

/// What changed: a clause, the heading of a part, or the title block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Clause,
    Heading,
    Title,
}

/// One change between two versions of a convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub target: Target,
    /// The clause id (`None` for a heading or the title).
    pub clause: Option<String>,
    /// The part that holds it: in the new version, or in the old one when removed.
    pub part: Option<String>,
    /// `block`, `article` or `annex`.
    pub part_kind: Option<String>,
    /// The part's heading without its number (« Contribution financière »), if it has one.
    pub part_title: Option<String>,
    /// For a clause moved to another part: the part it left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_part: Option<String>,
    /// The kind of the part it left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_part_kind: Option<String>,
    /// Number of the part in the old version (« 6 », « II »), if numbered there.
    pub old_number: Option<String>,
    /// Number of the part in the new version.
    pub new_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// For a moved clause: the clause it now follows in its part (`None`: first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// For a clause added or removed: its part (article, annex, block) is
    /// new or gone with it, i.e. the whole article was added or removed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_part: bool,
    /// Whether the text changed (always for modified, added, removed; maybe for moved).
    pub text_changed: bool,
    /// The text, segment by segment. Empty for a move that kept the text.
    pub redline: Vec<Segment>,
}

impl Change {
    /// Whether this change is about a clause of the given id.
    pub fn is_clause(&self, id: &str) -> bool {
        self.clause.as_deref() == Some(id)
    }
}

/// A clause whose version changed (the library was updated), text changed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionChange {
    pub clause: String,
    pub old: String,
    pub new: String,
}

/// Longest common subsequence of two id lists; returns the ids in it.
fn lcs<'a>(a: &[&'a str], b: &[&'a str]) -> HashSet<&'a str> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[at(i, j)] = if a[i] == b[j] {
                t[at(i + 1, j + 1)] + 1
            } else {
                t[at(i + 1, j)].max(t[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = HashSet::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.insert(a[i]);
            i += 1;
            j += 1;
        } else if t[at(i + 1, j)] >= t[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

struct Sorted {
    key: (usize, u8, usize),
    change: Change,
}

fn part_of<'a>(conv: &'a Convention, clause: &Clause) -> Option<&'a Part> {
    conv.part(&clause.part)
}

/// Everything that changed from `old` to `new`, in the order of the new
/// version (removed clauses where they stood).
pub fn compare(old: &Convention, new: &Convention) -> Vec<Change> {
    let sides = Sides::new(old, new);
    let mut out: Vec<Sorted> = Vec::new();
    out.extend(title_change(&sides));
    heading_changes(&sides, &mut out);
    for (i, c) in new.clauses.iter().enumerate() {
        out.extend(clause_change(&sides, i, c));
    }
    removed_clauses(&sides, &mut out);
    out.sort_by_key(|s| s.key);
    out.into_iter().map(|s| s.change).collect()
}

/// The two versions, their numberings, where each clause id stands, and the
/// clauses both have that kept their order.
struct Sides<'a> {
    old: &'a Convention,
    new: &'a Convention,
    on: Numbering,
    nn: Numbering,
    old_ids: HashMap<&'a str, usize>,
    new_ids: HashMap<&'a str, usize>,
    in_order: HashSet<&'a str>,
}

impl<'a> Sides<'a> {
    fn new(old: &'a Convention, new: &'a Convention) -> Self {
        let ids = |c: &'a Convention| -> HashMap<&'a str, usize> {
            c.clauses
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i))
                .collect()
        };
        let (old_ids, new_ids) = (ids(old), ids(new));
        let common = |c: &'a Convention, other: &HashMap<&str, usize>| -> Vec<&'a str> {
            c.clauses
                .iter()
                .map(|c| c.id.as_str())
                .filter(|id| other.contains_key(id))
                .collect()
        };
        let in_order = lcs(&common(old, &new_ids), &common(new, &old_ids));
        Sides {
            old,
            new,
            on: Numbering::of(old),
            nn: Numbering::of(new),
            old_ids,
            new_ids,
            in_order,
        }
    }
}

/// A change of `kind` to `target` with nothing else said yet.
fn change(kind: ChangeKind, target: Target) -> Change {
    Change {
        kind,
        target,
        clause: None,
        part: None,
        part_kind: None,
        part_title: None,
        old_part: None,
        old_part_kind: None,
        old_number: None,
        new_number: None,
        old_version: None,
        new_version: None,
        after: None,
        whole_part: false,
        text_changed: true,
        redline: Vec::new(),
    }
}

/// The title block, when its text changed.
fn title_change(s: &Sides) -> Option<Sorted> {
    if s.old.title == s.new.title {
        return None;
    }
    let segs = redline::redline(&s.old.title, &s.new.title, &s.on, &s.nn);
    redline::has_edits(&segs).then(|| Sorted {
        key: (0, 0, 0),
        change: Change {
            redline: segs,
            ..change(ChangeKind::Modified, Target::Title)
        },
    })
}

/// Headings (titles without numbers) and prefaces of the parts both versions have.
fn heading_changes(s: &Sides, out: &mut Vec<Sorted>) {
    for p in &s.new.parts {
        let Some(q) = s.old.part(&p.id) else { continue };
        let (a, b) = (
            format!("{}\n\n{}", q.title().unwrap_or(""), q.preface),
            format!("{}\n\n{}", p.title().unwrap_or(""), p.preface),
        );
        if a == b {
            continue;
        }
        let segs = redline::redline(a.trim(), b.trim(), &s.on, &s.nn);
        if !redline::has_edits(&segs) {
            continue;
        }
        let first = s
            .new
            .clauses
            .iter()
            .position(|c| c.part == p.id)
            .map_or(0, |i| i + 1);
        out.push(Sorted {
            key: (first, 0, 0),
            change: Change {
                part: Some(p.id.clone()),
                part_kind: Some(p.kind.clone()),
                part_title: p.title().map(str::to_string),
                old_number: q.number.clone(),
                new_number: p.number.clone(),
                redline: segs,
                ..change(ChangeKind::Modified, Target::Heading)
            },
        });
    }
}

/// Clause `i` of the new version: added, moved or modified (or nothing).
fn clause_change(s: &Sides, i: usize, c: &Clause) -> Option<Sorted> {
    let p = part_of(s.new, c);
    let in_new = Change {
        clause: Some(c.id.clone()),
        part: Some(c.part.clone()),
        part_kind: p.map(|p| p.kind.clone()),
        part_title: p.and_then(|p| p.title()).map(str::to_string),
        new_number: p.and_then(|p| p.number.clone()),
        ..change(ChangeKind::Added, Target::Clause)
    };
    let Some(&oi) = s.old_ids.get(c.id.as_str()) else {
        return Some(Sorted {
            key: (i + 1, 1, 0),
            change: Change {
                new_version: Some(c.version.clone()),
                whole_part: s.old.part(&c.part).is_none(),
                redline: redline::whole(Op::Insert, &c.text),
                ..in_new
            },
        });
    };
    let o = &s.old.clauses[oi];
    let segs = redline::redline(&o.text, &c.text, &s.on, &s.nn);
    let text_changed = redline::has_edits(&segs);
    let moved = o.part != c.part || !s.in_order.contains(c.id.as_str());
    if !moved && !text_changed {
        return None;
    }
    let after = s.new.clauses[..i]
        .iter()
        .rev()
        .take_while(|x| x.part == c.part)
        .map(|x| x.id.clone())
        .next();
    let changed_part = o.part != c.part;
    Some(Sorted {
        key: (i + 1, 1, 0),
        change: Change {
            kind: if moved {
                ChangeKind::Moved
            } else {
                ChangeKind::Modified
            },
            old_part: changed_part.then(|| o.part.clone()),
            old_part_kind: changed_part
                .then(|| part_of(s.old, o).map(|p| p.kind.clone()))
                .flatten(),
            old_number: part_of(s.old, o).and_then(|p| p.number.clone()),
            old_version: (o.version != c.version).then(|| o.version.clone()),
            new_version: (o.version != c.version).then(|| c.version.clone()),
            after: if moved { after } else { None },
            text_changed,
            redline: if moved && !text_changed {
                Vec::new()
            } else {
                segs
            },
            ..in_new
        },
    })
}

/// Clauses of the old version the new one no longer has, each placed after
/// the nearest earlier clause that survives.
fn removed_clauses(s: &Sides, out: &mut Vec<Sorted>) {
    for (j, o) in s.old.clauses.iter().enumerate() {
        if s.new_ids.contains_key(o.id.as_str()) {
            continue;
        }
        let anchor = s.old.clauses[..j]
            .iter()
            .rev()
            .find_map(|x| s.new_ids.get(x.id.as_str()))
            .map_or(0, |&i| i + 1);
        let p = part_of(s.old, o);
        out.push(Sorted {
            key: (anchor, 2, j),
            change: Change {
                clause: Some(o.id.clone()),
                part: Some(o.part.clone()),
                part_kind: p.map(|p| p.kind.clone()),
                part_title: p.and_then(|p| p.title()).map(str::to_string),
                old_number: p.and_then(|p| p.number.clone()),
                old_version: Some(o.version.clone()),
                whole_part: s.new.part(&o.part).is_none(),
                redline: redline::whole(Op::Delete, &o.text),
                ..change(ChangeKind::Removed, Target::Clause)
            },
        });
    }
}

/// Clauses present in both versions whose version number changed.
pub fn version_changes(old: &Convention, new: &Convention) -> Vec<VersionChange> {
    let old_v: HashMap<&str, &str> = old
        .clauses
        .iter()
        .map(|c| (c.id.as_str(), c.version.as_str()))
        .collect();
    new.clauses
        .iter()
        .filter_map(|c| {
            let o = old_v.get(c.id.as_str())?;
            (*o != c.version).then(|| VersionChange {
                clause: c.id.clone(),
                old: o.to_string(),
                new: c.version.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_finds_the_moved_one() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "c", "d", "b"];
        let s = lcs(&a, &b);
        assert!(!s.contains("b"));
        assert_eq!(s.len(), 3);
    }
}
