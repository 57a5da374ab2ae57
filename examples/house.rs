//! The shape of the code, as figures anyone can reproduce:
//!
//! ```sh
//! cargo run --example house            # import graph, cycles, functions over 100 lines
//! cargo run --example house -- 60      # functions over 60 lines
//! ```
//!
//! It reads `src/` as text (see `examples/support/house.rs`); the layering
//! test (`tests/it/house.rs`) reads it the same way.

#[path = "support/house.rs"]
mod house;

fn main() {
    let limit: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = house::sources(&src);
    let graph = house::graph(&sources);
    println!(
        "# Imports between top-level modules ({} modules)\n",
        graph.len()
    );
    for (module, imports) in &graph {
        let list: Vec<&str> = imports.iter().map(String::as_str).collect();
        println!("{module} → {}", list.join(", "));
    }
    let cycles = house::cycles(&graph);
    println!("\n# Import cycles: {}\n", cycles.len());
    for c in &cycles {
        println!("{} modules: {}", c.len(), c.join(", "));
    }
    let functions = house::functions(&sources);
    let long: Vec<_> = functions.iter().filter(|f| f.lines > limit).collect();
    println!("\n# Functions over {limit} lines: {}\n", long.len());
    for f in long {
        println!("{:>5}  {}:{}  {}", f.lines, f.file, f.line, f.name);
    }
}
