//! `cargo xtask demo`: runs each SDK's real publish flows against its local
//! fake on 127.0.0.1, with real media files and injected faults, and prints a
//! table of what happened.

mod facebook;
mod instagram;
mod tiktok;
mod twitter;
mod youtube;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use social_core::ProgressCallback;

/// Runs every platform's flows and prints the table; fails when any flow
/// ended differently from what the demo expects.
pub(crate) fn main(root: PathBuf) -> ExitCode {
    let context = DemoContext {
        media_dir: root.join("assets").join("media"),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("xtask demo: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let flows = runtime.block_on(async {
        let mut flows = Vec::new();
        flows.extend(twitter::run(&context).await);
        flows.extend(youtube::run(&context).await);
        flows.extend(tiktok::run(&context).await);
        flows.extend(facebook::run(&context).await);
        flows.extend(instagram::run(&context).await);
        flows
    });
    print_table(&flows);
    let unexpected = flows.iter().filter(|f| !f.expected).count();
    if unexpected == 0 {
        println!("\nall {} flows ended as expected", flows.len());
        ExitCode::SUCCESS
    } else {
        println!(
            "\n{unexpected} of {} flows ended differently from what the demo expects",
            flows.len()
        );
        ExitCode::FAILURE
    }
}

/// Cuts `text` to `max` characters so the table stays readable.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn print_table(flows: &[Flow]) {
    let headers = ["platform", "operation", "attempts", "outcome", "time"];
    let rows: Vec<[String; 5]> = flows
        .iter()
        .map(|f| {
            let mark = if f.expected { "" } else { "UNEXPECTED: " };
            [
                f.platform.to_owned(),
                f.operation.clone(),
                f.attempts.to_string(),
                shorten(&format!("{mark}{}", f.outcome), 110),
                format!("{:.2}s", f.elapsed.as_secs_f64()),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    println!();
    println!("{}", line(headers));
    println!("|{}|", widths.map(|w| "-".repeat(w + 2)).join("|"));
    for row in &rows {
        println!("{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
}

/// The outcome of one flow, one row of the final table.
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    /// Platform name as printed.
    pub(crate) platform: &'static str,
    /// What the flow did, with the fault it met.
    pub(crate) operation: String,
    /// HTTP requests the fake saw for this flow's main call (or attempts).
    pub(crate) attempts: u32,
    /// What came back: an id, or the error's kind.
    pub(crate) outcome: String,
    /// Whether the flow ended the way the demo expects.
    pub(crate) expected: bool,
    /// Wall time of the flow.
    pub(crate) elapsed: Duration,
}

/// What every platform's flows share.
#[derive(Debug)]
pub(crate) struct DemoContext {
    /// `assets/media` of the workspace.
    pub(crate) media_dir: PathBuf,
}

impl DemoContext {
    /// Returns the path of a file in `assets/media`.
    pub(crate) fn media(&self, name: &str) -> PathBuf {
        self.media_dir.join(name)
    }

    /// Returns a callback that draws a progress bar on stderr for `label`.
    pub(crate) fn progress(&self, label: &str) -> ProgressCallback {
        let label = label.to_owned();
        ProgressCallback::new(move |p| {
            let width = 30usize;
            let filled = ((p.fraction() * width as f64).round() as usize).min(width);
            let mut stderr = std::io::stderr().lock();
            let _ = write!(
                stderr,
                "\r  {label:<28} [{}{}] {:>3}% {:>9}/{} bytes",
                "#".repeat(filled),
                " ".repeat(width - filled),
                (p.fraction() * 100.0).round() as u32,
                p.uploaded,
                p.total
            );
            if p.uploaded >= p.total {
                let _ = writeln!(stderr);
            }
        })
    }

    /// Times `run` and turns its result into a table row.
    pub(crate) async fn flow<F, Fut>(&self, platform: &'static str, operation: &str, run: F) -> Flow
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = FlowResult>,
    {
        eprintln!("{platform}: {operation}");
        let started = Instant::now();
        let result = run().await;
        let flow = Flow {
            platform,
            operation: operation.to_owned(),
            attempts: result.attempts,
            outcome: result.outcome,
            expected: result.expected,
            elapsed: started.elapsed(),
        };
        let mark = if flow.expected { "ok" } else { "UNEXPECTED" };
        eprintln!("  -> {} ({mark})", flow.outcome);
        flow
    }
}

/// What a flow reports back to [`DemoContext::flow`].
#[derive(Debug, Clone)]
pub(crate) struct FlowResult {
    /// HTTP requests (or attempts) the flow's main call took.
    pub(crate) attempts: u32,
    /// An id, or the error's kind and message.
    pub(crate) outcome: String,
    /// Whether this is what the demo expects.
    pub(crate) expected: bool,
}
