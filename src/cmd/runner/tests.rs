//! Each runner's variables, at the boundaries: the first and the last
//! index, the index equal to the count, 0-based against 1-based.

use std::collections::BTreeMap;

use super::*;
use crate::cli::ShardArg;

/// `resolve(count, env)` with `env` the given variables only.
fn run(count: Option<u32>, vars: &[(&str, &str)]) -> Result<(u32, u32, String), String> {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let env = move |k: &str| map.get(k).cloned();
    resolve(count, &env)
        .map(|f| (f.shard.index, f.shard.count, f.said.en.clone()))
        .map_err(|d| format!("{} {}", d.code, d.message.en))
}

fn share(count: Option<u32>, vars: &[(&str, &str)]) -> (u32, u32) {
    let (i, n, _) = run(count, vars).unwrap_or_else(|e| panic!("{vars:?}: {e}"));
    (i, n)
}

fn error(count: Option<u32>, vars: &[(&str, &str)]) -> String {
    match run(count, vars) {
        Ok(r) => panic!("{vars:?} accepted: {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn the_argument_is_i_of_n_auto_or_auto_of_n() {
    let given = |s: &str| s.parse::<ShardArg>();
    assert_eq!(given("auto"), Ok(ShardArg::Auto(None)));
    assert_eq!(given("auto/4"), Ok(ShardArg::Auto(Some(4))));
    assert_eq!(
        given("2/4"),
        Ok(ShardArg::Given(Shard { index: 2, count: 4 }))
    );
    for bad in ["auto/0", "auto/", "auto4", "auto/x", "0/4", "5/4", "autos"] {
        assert!(given(bad).is_err(), "{bad}");
    }
}

#[test]
fn kubernetes_counts_from_zero() {
    fn k(i: &str) -> [(&str, &str); 1] {
        [("JOB_COMPLETION_INDEX", i)]
    }
    assert_eq!(share(Some(4), &k("0")), (1, 4));
    assert_eq!(share(Some(4), &k("3")), (4, 4), "the last index");
    let e = error(Some(4), &k("4"));
    assert!(
        e.starts_with("CLI-021") && e.contains("counts from 0"),
        "{e}"
    );
    // The count from CHARTA_SHARD_COUNT; none at all is an error.
    assert_eq!(
        share(None, &[("JOB_COMPLETION_INDEX", "2"), (COUNT_VAR, "3")]),
        (3, 3)
    );
    let e = error(None, &k("0"));
    assert!(e.contains("does not give the number of shares"), "{e}");
    let e = error(Some(4), &[("JOB_COMPLETION_INDEX", "0"), (COUNT_VAR, "5")]);
    assert!(e.contains("not give the same number"), "{e}");
    let e = error(Some(4), &k("-1"));
    assert!(e.contains("is not a whole number"), "{e}");
}

#[test]
fn gnu_parallel_counts_from_one() {
    fn p(s: &str) -> [(&str, &str); 1] {
        [("PARALLEL_SEQ", s)]
    }
    assert_eq!(share(Some(4), &p("1")), (1, 4));
    assert_eq!(share(Some(4), &p("4")), (4, 4), "the last job");
    for bad in ["0", "5"] {
        let e = error(Some(4), &p(bad));
        assert!(e.contains("counts from 1"), "{bad}: {e}");
    }
    let e = error(None, &p("1"));
    assert!(e.contains("GNU parallel does not give"), "{e}");
    // PARALLEL_JOBSLOT alone (a slot, not a job number) is not read.
    let e = error(Some(4), &[("PARALLEL_JOBSLOT", "1")]);
    assert!(e.starts_with("CLI-020"), "{e}");
}

#[test]
fn slurm_arrays_from_zero_from_one_and_with_a_step() {
    let array = |id: &str, min: &str, max: &str, count: &str| {
        [
            ("SLURM_ARRAY_TASK_ID", id.to_string()),
            ("SLURM_ARRAY_TASK_MIN", min.to_string()),
            ("SLURM_ARRAY_TASK_MAX", max.to_string()),
            ("SLURM_ARRAY_TASK_COUNT", count.to_string()),
        ]
    };
    let s = |v: [(&str, String); 4], count| {
        let v: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        share(count, &v)
    };
    let e = |v: [(&str, String); 4], count| {
        let v: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        error(count, &v)
    };
    // --array=0-3 and --array=1-4: the first and the last task.
    assert_eq!(s(array("0", "0", "3", "4"), None), (1, 4));
    assert_eq!(s(array("3", "0", "3", "4"), None), (4, 4));
    assert_eq!(s(array("1", "1", "4", "4"), None), (1, 4));
    assert_eq!(s(array("4", "1", "4", "4"), Some(4)), (4, 4));
    // --array=1-7:2 (1, 3, 5, 7).
    let mut stepped = array("7", "1", "7", "4").to_vec();
    stepped.push(("SLURM_ARRAY_TASK_STEP", "2".into()));
    let v: Vec<(&str, &str)> = stepped.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(share(None, &v), (4, 4));
    // Out of the array, an array with a gap (--array=1,2,5: min 1, max 5, 3 tasks),
    // a count that is not the array's.
    assert!(e(array("5", "1", "4", "4"), None).contains("no place"));
    assert!(e(array("0", "1", "4", "4"), None).contains("no place"));
    assert!(e(array("2", "1", "5", "3"), None).contains("no place"));
    assert!(e(array("1", "1", "4", "4"), Some(5)).contains("SLURM_ARRAY_TASK_COUNT=4, but"));
}

#[test]
fn none_or_several_runners_is_an_error_and_the_line_names_the_runner() {
    assert!(error(Some(2), &[]).starts_with("CLI-020"));
    let e = error(
        Some(2),
        &[("JOB_COMPLETION_INDEX", "0"), ("PARALLEL_SEQ", "1")],
    );
    assert!(e.contains("several job runners"), "{e}");
    let (_, _, said) = run(Some(4), &[("JOB_COMPLETION_INDEX", "3")]).unwrap();
    assert_eq!(
        said,
        "share 4/4 from Kubernetes (JOB_COMPLETION_INDEX=3, --shard auto/4)"
    );
    // An empty variable is no runner.
    assert!(error(Some(2), &[("PARALLEL_SEQ", "")]).starts_with("CLI-020"));
}
