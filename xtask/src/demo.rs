//! `cargo xtask demo`: runs each SDK's real publish flows against its local
//! fake on 127.0.0.1, with real media files and injected faults, and prints a
//! table of what happened.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use social_core::ProgressCallback;

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
