//! `charta init`: a new programme folder holding the built-in example, ready to build.

use std::path::Path;

use include_dir::{Dir, include_dir};

static EXAMPLE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/examples/economie-solidaire");

/// Writes the example programme into `dir` (created); returns the number of files.
pub fn write_example(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut n = 0;
    write_dir(&EXAMPLE, dir, &mut n)?;
    Ok(n)
}

fn write_dir(d: &Dir<'_>, root: &Path, n: &mut usize) -> std::io::Result<()> {
    for f in d.files() {
        let path = root.join(f.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, f.contents())?;
        *n += 1;
    }
    for sub in d.dirs() {
        if sub.path().file_name().is_some_and(|n| n == "out") {
            continue;
        }
        write_dir(sub, root, n)?;
    }
    Ok(())
}
