#!/bin/sh
# Regenerates the fixtures of tests/diff_cases.rs: one convention of the
# example programme (maison-solidarites-montvalon), rendered as it is (base/)
# and with one change each. Every folder is a small build folder: the
# Markdown and the data snapshot the build writes beside it.
#
#   sh tests/diff-cases/make-fixtures.sh        (from the repository root)
#
# The fixtures are committed so that the tests do not move when the clause
# library does; regenerate them (and review the snapshots) when the rendered
# structure changes.
set -eu
ROOT=$(pwd)
CASES="$ROOT/tests/diff-cases"
ID=maison-solidarites-montvalon
FILE=associations/$ID.json
cargo build -q
BIN="$ROOT/target/debug/charta"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# case NAME SED-EXPRESSION [CLAUSE-OVERRIDE-SED CLAUSE-FILE]
case_of() {
  name=$1
  prog="$TMP/$name"
  mkdir -p "$prog"
  cp -r examples/economie-solidaire/charta.toml examples/economie-solidaire/associations "$prog/"
  if [ -n "$2" ]; then
    sed -i "$2" "$prog/$FILE"
  fi
  if [ $# -ge 4 ]; then
    mkdir -p "$prog/clauses"
    sed "$3" "clauses/$4" > "$prog/clauses/$(basename "$4")"
  fi
  "$BIN" build "$prog" --format md --only "$ID" --out "$prog/out" >/dev/null 2>&1
  rm -rf "${CASES:?}/$name"
  mkdir -p "$CASES/$name"
  cp "$prog/out/$ID.md" "$prog/out/$ID.data.json" "$CASES/$name/"
}

case_of base ''
# A default clause's order changed in the programme's own library: it moves to the top of its article.
case_of moved '' 's/^order = 30$/order = 5/' articles/contribution-plafond.md
# The optional clause that alone makes article 6 is no longer added: articles 7 to 19 become 6 to 18.
case_of removed-optional 's/"add": \["mise-a-disposition-locaux", "communication-logo"\]/"add": ["communication-logo"]/'
# The 2028 contribution: 47 500,50 € → 50 000 € (figures, letters, total, shares, budget annex).
case_of amount 's/"2028": 47500.5}/"2028": 50000}/'
# A dashboard target: O1-I1 in 2027, 720 → 750.
case_of target 's/"targets": {"2026": 680, "2027": 720, "2028": 760}/"targets": {"2026": 680, "2027": 750, "2028": 760}/'
# The draft before signature: no date yet.
case_of draft 's/"date": "2026-02-10"/"date": null/'
echo "fixtures written to $CASES"
