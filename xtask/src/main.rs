//! Development tasks for the workspace, run as `cargo xtask <task>`:
//!
//! - `demo`: every SDK's publish flows against local fakes on 127.0.0.1,
//!   with real media and injected faults, ending with a table;
//! - `ci`: what CI checks, in order (format, lints, tests, docs, packaging).

mod ci;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  demo    run every SDK's publish flows against local fakes on 127.0.0.1
  ci      run the checks CI runs: fmt, clippy, tests, rustdoc, package";

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("demo") => demo::main(workspace_root()),
        Some("ci") => ci::main(workspace_root()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown task `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
