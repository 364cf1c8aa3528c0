//! `cargo xtask ci`: the checks CI runs, stopping at the first failure.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Crates published to crates.io, checked with every feature set.
const PUBLISHED: &[(&str, &[&str])] = &[
    ("social-core", &["rustls", "native-tls", "testing"]),
    ("twitter-sdk", &["rustls", "native-tls", "testing"]),
    ("youtube-sdk", &["rustls", "native-tls", "testing"]),
    ("tiktok-sdk", &["rustls", "native-tls", "testing"]),
    ("facebook-sdk", &["rustls", "native-tls", "testing"]),
    ("instagram-sdk", &["rustls", "native-tls", "testing"]),
];

struct Step {
    name: String,
    args: Vec<String>,
    env: Vec<(&'static str, &'static str)>,
}

impl Step {
    fn cargo(name: impl Into<String>, args: &[&str]) -> Step {
        Step {
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        }
    }

    fn env(mut self, key: &'static str, value: &'static str) -> Step {
        self.env.push((key, value));
        self
    }
}

fn steps() -> Vec<Step> {
    let mut steps = vec![
        Step::cargo("format", &["fmt", "--all", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo("tests", &["test", "--workspace", "--locked"]),
        Step::cargo("rustdoc", &["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    ];
    for (krate, features) in PUBLISHED {
        steps.push(Step::cargo(
            format!("{krate}: no default features"),
            &[
                "check",
                "--package",
                krate,
                "--no-default-features",
                "--locked",
            ],
        ));
        for feature in *features {
            steps.push(Step::cargo(
                format!("{krate}: feature {feature}"),
                &[
                    "check",
                    "--package",
                    krate,
                    "--no-default-features",
                    "--features",
                    feature,
                    "--locked",
                ],
            ));
        }
    }
    steps.push(Step::cargo(
        "package",
        &[
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--no-verify",
            "--allow-dirty",
            "--locked",
        ],
    ));
    steps
}

/// Runs every step; returns failure at the first one that fails.
pub(crate) fn main(root: std::path::PathBuf) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for step in steps() {
        if !run(&cargo, &root, &step) {
            eprintln!("xtask ci: `{}` failed", step.name);
            return ExitCode::FAILURE;
        }
    }
    eprintln!("xtask ci: all checks passed");
    ExitCode::SUCCESS
}

fn run(cargo: &str, root: &Path, step: &Step) -> bool {
    eprintln!("==> {} (cargo {})", step.name, step.args.join(" "));
    let started = Instant::now();
    let mut command = Command::new(cargo);
    command.args(&step.args).current_dir(root);
    for (key, value) in &step.env {
        command.env(key, value);
    }
    let status = command.status();
    let seconds = started.elapsed().as_secs_f64();
    match status {
        Ok(status) if status.success() => {
            eprintln!("    ok in {seconds:.1}s");
            true
        }
        Ok(status) => {
            eprintln!("    exited with {status} after {seconds:.1}s");
            false
        }
        Err(error) => {
            eprintln!("    could not start cargo: {error}");
            false
        }
    }
}
