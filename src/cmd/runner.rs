//! `charta build --shard auto` and `--shard auto/N`: the share read from the
//! job runner the build runs under — a Kubernetes indexed Job, a Slurm job
//! array, GNU parallel. The binary reads the environment here and hands the
//! library a plain [`Shard`]; the library never reads it for this.
//!
//! | runner | index | number of shares |
//! | --- | --- | --- |
//! | Kubernetes (`completionMode: Indexed`) | `JOB_COMPLETION_INDEX`, from 0 | `auto/N` or `CHARTA_SHARD_COUNT` |
//! | Slurm (`sbatch --array`) | `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`, over `SLURM_ARRAY_TASK_STEP` | `SLURM_ARRAY_TASK_COUNT` |
//! | GNU parallel | `PARALLEL_SEQ`, from 1 | `auto/N` or `CHARTA_SHARD_COUNT` |

use charta::diagnostic::{Code, Diagnostic, Text};
use charta::out::shard::Shard;
use charta::tr;

/// The variable that gives the number of shares when the runner does not.
pub const COUNT_VAR: &str = "CHARTA_SHARD_COUNT";

/// The variable of each runner's index, in the order they are looked for.
const RUNNERS: [(&str, &str); 3] = [
    ("Kubernetes", "JOB_COMPLETION_INDEX"),
    ("Slurm", "SLURM_ARRAY_TASK_ID"),
    ("GNU parallel", "PARALLEL_SEQ"),
];

/// A share found in the environment, and the line that says where from.
#[derive(Debug)]
pub struct Found {
    pub shard: Shard,
    pub said: Text,
}

/// A lookup of the environment (`std::env::var` in the binary, a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `--shard auto` (`count` from `auto/N`) resolved against `env`.
pub fn resolve(count: Option<u32>, env: Env) -> Result<Found, Diagnostic> {
    let present: Vec<(&str, &str)> = RUNNERS
        .into_iter()
        .filter(|(_, var)| env(var).is_some_and(|v| !v.trim().is_empty()))
        .collect();
    let given = given_count(count, env)?;
    let (shard, vars) = match present.as_slice() {
        [] => return Err(none_found()),
        [("Kubernetes", _)] => kubernetes(given, env)?,
        [("Slurm", _)] => slurm(given, env)?,
        [("GNU parallel", _)] => parallel(given, env)?,
        several => {
            let list = several
                .iter()
                .map(|(_, v)| format!("{v}={}", env(v).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(wrong(
                tr!(
                    "plusieurs ordonnanceurs à la fois ({list})\u{a0}: la part est ambiguë",
                    "several job runners at once ({list}): the share is ambiguous"
                ),
                Text::new(
                    "donnez la part vous-même\u{a0}: `--shard i/n`",
                    "give the share yourself: `--shard i/n`",
                ),
            ));
        }
    };
    let runner = present[0].0;
    let (i, n) = (shard.index, shard.count);
    Ok(Found {
        shard,
        said: tr!(
            "part {i}/{n} d'après {runner} ({vars})",
            "share {i}/{n} from {runner} ({vars})"
        ),
    })
}

/// The count given by `auto/N` or [`COUNT_VAR`], with how it was given.
fn given_count(count: Option<u32>, env: Env) -> Result<Option<(u32, String)>, Diagnostic> {
    let var = number(env, COUNT_VAR)?;
    if var == Some(0) {
        return Err(wrong(
            tr!(
                "{COUNT_VAR}=0\u{a0}: il faut au moins une part",
                "{COUNT_VAR}=0: there must be at least one share"
            ),
            Text::new("donnez le nombre de parts", "give the number of shares"),
        ));
    }
    match (count, var) {
        (Some(a), Some(b)) if a != b => Err(wrong(
            tr!(
                "`--shard auto/{a}` et {COUNT_VAR}={b} ne donnent pas le même nombre de parts",
                "`--shard auto/{a}` and {COUNT_VAR}={b} do not give the same number of shares"
            ),
            Text::new("gardez l'un des deux", "keep one of the two"),
        )),
        (Some(a), _) => Ok(Some((a, format!("--shard auto/{a}")))),
        (None, Some(b)) => Ok(Some((b, format!("{COUNT_VAR}={b}")))),
        (None, None) => Ok(None),
    }
}

/// Kubernetes: `JOB_COMPLETION_INDEX` from 0 to completions − 1.
fn kubernetes(given: Option<(u32, String)>, env: Env) -> Result<(Shard, String), Diagnostic> {
    const VAR: &str = "JOB_COMPLETION_INDEX";
    let index = number(env, VAR)?.expect("present");
    let (count, from) = given.ok_or_else(|| count_needed("Kubernetes", "completions"))?;
    if index >= count {
        return Err(wrong(
            tr!(
                "{VAR}={index}, or l'index compte à partir de 0\u{a0}: avec {count} parts il va de 0 à {}",
                "{VAR}={index}, but the index counts from 0: with {count} shares it goes from 0 to {}",
                count - 1
            ),
            Text::new(
                "le nombre de parts doit être le `completions` de la tâche",
                "the number of shares must be the Job's `completions`",
            ),
        ));
    }
    let shard = Shard {
        index: index + 1,
        count,
    };
    Ok((shard, format!("{VAR}={index}, {from}")))
}

/// GNU parallel: `PARALLEL_SEQ`, the job's sequence number, from 1.
fn parallel(given: Option<(u32, String)>, env: Env) -> Result<(Shard, String), Diagnostic> {
    const VAR: &str = "PARALLEL_SEQ";
    let seq = number(env, VAR)?.expect("present");
    let (count, from) = given.ok_or_else(|| count_needed("GNU parallel", "jobs"))?;
    if seq == 0 || seq > count {
        return Err(wrong(
            tr!(
                "{VAR}={seq}, or le numéro de tâche compte à partir de 1\u{a0}: avec {count} parts il va de 1 à {count}",
                "{VAR}={seq}, but the job number counts from 1: with {count} shares it goes from 1 to {count}"
            ),
            Text::new(
                "lancez autant de tâches que de parts (`::: $(seq N)`)",
                "run as many jobs as shares (`::: $(seq N)`)",
            ),
        ));
    }
    let shard = Shard { index: seq, count };
    Ok((shard, format!("{VAR}={seq}, {from}")))
}

/// Slurm: the task's place in `--array=MIN-MAX[:STEP]`; the count is the array's.
fn slurm(given: Option<(u32, String)>, env: Env) -> Result<(Shard, String), Diagnostic> {
    let id = number(env, "SLURM_ARRAY_TASK_ID")?.expect("present");
    let min = number(env, "SLURM_ARRAY_TASK_MIN")?;
    let step = number(env, "SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
    let max = number(env, "SLURM_ARRAY_TASK_MAX")?;
    let array = number(env, "SLURM_ARRAY_TASK_COUNT")?;
    let Some(count) = array.or(given.as_ref().map(|g| g.0)) else {
        return Err(count_needed("Slurm", "SLURM_ARRAY_TASK_COUNT"));
    };
    let Some(min) = min else {
        return Err(wrong(
            Text::new(
                "SLURM_ARRAY_TASK_ID sans SLURM_ARRAY_TASK_MIN\u{a0}: la place de la tâche dans le tableau est inconnue",
                "SLURM_ARRAY_TASK_ID without SLURM_ARRAY_TASK_MIN: the task's place in the array is unknown",
            ),
            Text::new("donnez `--shard i/n`", "give `--shard i/n`"),
        ));
    };
    if let (Some(a), Some((g, from))) = (array, &given)
        && a != *g
    {
        return Err(wrong(
            tr!(
                "SLURM_ARRAY_TASK_COUNT={a}, mais {from}",
                "SLURM_ARRAY_TASK_COUNT={a}, but {from}"
            ),
            Text::new(
                "écrivez `--shard auto`\u{a0}: le tableau donne le nombre de parts",
                "write `--shard auto`: the array gives the number of shares",
            ),
        ));
    }
    let regular = count > 0
        && id >= min
        && (id - min) % step == 0
        && (id - min) / step < count
        && max.is_none_or(|m| m == min + (count - 1) * step);
    if !regular {
        return Err(wrong(
            tr!(
                "la tâche {id} n'a pas de place dans un tableau régulier de {count} tâches à partir de {min} (pas de {step}, dernière {})",
                "task {id} has no place in a regular array of {count} tasks from {min} (step {step}, last {})",
                max.map_or("?".to_string(), |m| m.to_string())
            ),
            Text::new(
                "lancez un tableau sans trou, `--array=0-N` ou `--array=1-N`, ou donnez `--shard i/n`",
                "submit an array without gaps, `--array=0-N` or `--array=1-N`, or give `--shard i/n`",
            ),
        ));
    }
    let shard = Shard {
        index: (id - min) / step + 1,
        count,
    };
    let said = format!(
        "SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_COUNT={count}"
    );
    Ok((shard, said))
}

/// The variable `name` as a whole number, `None` when unset or empty.
fn number(env: Env, name: &str) -> Result<Option<u32>, Diagnostic> {
    let Some(v) = env(name).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    v.trim().parse().map(Some).map_err(|_| {
        wrong(
            tr!(
                "{name}={v} n'est pas un nombre entier",
                "{name}={v} is not a whole number"
            ),
            Text::new(
                "vérifiez l'environnement de la tâche",
                "check the job's environment",
            ),
        )
    })
}

fn none_found() -> Diagnostic {
    Diagnostic::error(Code::CLI_020, Text::new(
        "`--shard auto`\u{a0}: aucun ordonnanceur trouvé (ni JOB_COMPLETION_INDEX de Kubernetes, ni SLURM_ARRAY_TASK_ID de Slurm, ni PARALLEL_SEQ de GNU parallel)",
        "`--shard auto`: no job runner found (no JOB_COMPLETION_INDEX of Kubernetes, SLURM_ARRAY_TASK_ID of Slurm or PARALLEL_SEQ of GNU parallel)",
    ))
    .with_hint(Text::new(
        "lancez la commande par l'ordonnanceur, ou donnez la part vous-même\u{a0}: `--shard i/n`",
        "run the command through the job runner, or give the share yourself: `--shard i/n`",
    ))
}

fn count_needed(runner: &str, what: &str) -> Diagnostic {
    wrong(
        tr!(
            "`--shard auto`\u{a0}: {runner} ne donne pas le nombre de parts",
            "`--shard auto`: {runner} does not give the number of shares"
        ),
        tr!(
            "écrivez `--shard auto/N` ou {COUNT_VAR}=N, N le nombre de parts ({what})",
            "write `--shard auto/N` or {COUNT_VAR}=N, N the number of shares ({what})"
        ),
    )
}

fn wrong(message: Text, hint: Text) -> Diagnostic {
    Diagnostic::error(Code::CLI_021, message).with_hint(hint)
}

#[cfg(test)]
mod tests;
