//! Runs the Instagram flows of `cargo xtask demo` (the file
//! `xtask/src/demo/instagram.rs`) against the fake, with a stand-in for the
//! demo's context, so the demo compiles and ends as expected.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use social_core::ProgressCallback;

#[path = "../../xtask/src/demo/instagram.rs"]
mod instagram;

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub(crate) operation: String,
    pub(crate) attempts: u32,
    pub(crate) outcome: String,
    pub(crate) expected: bool,
    pub(crate) elapsed: Duration,
}

pub(crate) struct FlowResult {
    pub(crate) attempts: u32,
    pub(crate) outcome: String,
    pub(crate) expected: bool,
}

pub(crate) struct DemoContext {
    pub(crate) media_dir: PathBuf,
}

impl DemoContext {
    pub(crate) fn media(&self, name: &str) -> PathBuf {
        self.media_dir.join(name)
    }

    pub(crate) fn progress(&self, _label: &str) -> ProgressCallback {
        ProgressCallback::new(|_| {})
    }

    pub(crate) async fn flow<F, Fut>(
        &self,
        _platform: &'static str,
        operation: &str,
        run: F,
    ) -> Flow
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = FlowResult>,
    {
        let started = Instant::now();
        let result = run().await;
        Flow {
            operation: operation.to_owned(),
            attempts: result.attempts,
            outcome: result.outcome,
            expected: result.expected,
            elapsed: started.elapsed(),
        }
    }
}

#[tokio::test]
async fn demo_flows_end_as_expected() {
    let ctx = DemoContext {
        media_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/media"),
    };

    let flows = instagram::run(&ctx).await;

    assert_eq!(flows.len(), 5);
    for flow in &flows {
        assert!(
            flow.expected,
            "{} -> {} ({} attempts)",
            flow.operation, flow.outcome, flow.attempts
        );
        assert!(flow.elapsed < Duration::from_secs(30), "{}", flow.operation);
    }
}
