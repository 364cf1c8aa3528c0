//! Scripted media processing: what `GET /2/media/upload?command=STATUS`
//! reports for a video or GIF, one step per status request.

use serde_json::{Value, json};

/// One state reported by a status request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessingStep {
    /// `in_progress` with a progress percentage and a `check_after_secs` hint.
    InProgress {
        /// The `progress_percent` value, 0–100.
        progress_percent: u8,
        /// The `check_after_secs` value: how long the client should wait.
        check_after_secs: u64,
    },
    /// `succeeded`: the media can be attached to a post.
    Succeeded,
    /// `failed` with X's `error` object, sent with HTTP 200.
    Failed {
        /// The error code, such as `1`.
        code: i64,
        /// The error name, such as `InvalidMedia`.
        name: String,
        /// The error message, such as `Unsupported video format`.
        message: String,
    },
}

impl ProcessingStep {
    /// Creates an `in_progress` step.
    pub fn in_progress(progress_percent: u8, check_after_secs: u64) -> ProcessingStep {
        ProcessingStep::InProgress {
            progress_percent: progress_percent.min(100),
            check_after_secs,
        }
    }

    /// Creates a `succeeded` step.
    pub fn succeeded() -> ProcessingStep {
        ProcessingStep::Succeeded
    }

    /// Creates a `failed` step with the given error.
    pub fn failed(code: i64, name: &str, message: &str) -> ProcessingStep {
        ProcessingStep::Failed {
            code,
            name: name.to_owned(),
            message: message.to_owned(),
        }
    }

    /// Creates the failure X reports for a video it cannot decode: code 1,
    /// `InvalidMedia`, `Unsupported video format`.
    pub fn invalid_media() -> ProcessingStep {
        ProcessingStep::failed(1, "InvalidMedia", "Unsupported video format")
    }

    fn is_terminal(&self) -> bool {
        !matches!(self, ProcessingStep::InProgress { .. })
    }

    fn info(&self) -> Value {
        match self {
            ProcessingStep::InProgress {
                progress_percent,
                check_after_secs,
            } => json!({
                "state": "in_progress",
                "check_after_secs": check_after_secs,
                "progress_percent": progress_percent,
            }),
            ProcessingStep::Succeeded => json!({"state": "succeeded", "progress_percent": 100}),
            ProcessingStep::Failed {
                code,
                name,
                message,
            } => json!({
                "state": "failed",
                "progress_percent": 100,
                "error": {"code": code, "name": name, "message": message},
            }),
        }
    }
}

/// The states that status requests walk through after finalize.
///
/// Finalize reports `pending` with `check_after_secs: 1`. Status request
/// number `n` (from 1) reports step `n`. Once the steps run out, the last one
/// repeats, so a script ending in `in_progress` never finishes. A terminal
/// step (`succeeded` or `failed`) sticks: later steps are never reached. An
/// empty script succeeds on the first status request.
///
/// The script is copied into each media at its finalize, so changing it
/// with [`FakeX::set_processing`](super::FakeX::set_processing) affects
/// later uploads only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingScript {
    steps: Vec<ProcessingStep>,
}

impl ProcessingScript {
    /// Creates a script of the given steps.
    pub fn new(steps: impl IntoIterator<Item = ProcessingStep>) -> ProcessingScript {
        ProcessingScript {
            steps: steps.into_iter().collect(),
        }
    }

    /// Creates a script of `in_progress_polls` `in_progress` steps with
    /// rising percentages and `check_after_secs: 1`, then `succeeded`.
    pub fn succeeds_after(in_progress_polls: usize) -> ProcessingScript {
        let total = in_progress_polls + 1;
        let rising = (1..total).map(|n| {
            let percent = u8::try_from(n * 100 / total).unwrap_or(99);
            ProcessingStep::in_progress(percent, 1)
        });
        ProcessingScript::new(rising.chain([ProcessingStep::succeeded()]))
    }

    /// Creates a script that stays `in_progress` at `progress_percent` forever.
    pub fn stuck(progress_percent: u8, check_after_secs: u64) -> ProcessingScript {
        ProcessingScript::new([ProcessingStep::in_progress(
            progress_percent,
            check_after_secs,
        )])
    }

    /// Returns the steps.
    pub fn steps(&self) -> &[ProcessingStep] {
        &self.steps
    }
}

impl Default for ProcessingScript {
    /// Two `in_progress` steps (33 % and 66 %, `check_after_secs: 1`), then
    /// `succeeded`.
    fn default() -> ProcessingScript {
        ProcessingScript::new([
            ProcessingStep::in_progress(33, 1),
            ProcessingStep::in_progress(66, 1),
            ProcessingStep::succeeded(),
        ])
    }
}

/// The processing of one finalized media.
#[derive(Debug, Clone)]
pub(super) struct ProcessingRun {
    script: ProcessingScript,
    polls: usize,
}

impl ProcessingRun {
    pub(super) fn new(script: ProcessingScript) -> ProcessingRun {
        ProcessingRun { script, polls: 0 }
    }

    /// Moves to the next step, as one status request does.
    pub(super) fn advance(&mut self) {
        self.polls = self.polls.saturating_add(1);
    }

    /// Returns the step reached, or `None` while still `pending`.
    fn current(&self) -> Option<ProcessingStep> {
        if self.polls == 0 {
            return None;
        }
        let steps = self.script.steps();
        let last = match steps.iter().position(ProcessingStep::is_terminal) {
            Some(terminal) => terminal,
            None => steps.len().saturating_sub(1),
        };
        let index = (self.polls - 1).min(last);
        Some(
            steps
                .get(index)
                .cloned()
                .unwrap_or(ProcessingStep::Succeeded),
        )
    }

    /// Returns whether processing reached `succeeded`.
    pub(super) fn succeeded(&self) -> bool {
        self.current() == Some(ProcessingStep::Succeeded)
    }

    /// Returns the state name, for error messages.
    pub(super) fn state_name(&self) -> &'static str {
        match self.current() {
            None => "pending",
            Some(ProcessingStep::InProgress { .. }) => "in_progress",
            Some(ProcessingStep::Succeeded) => "succeeded",
            Some(ProcessingStep::Failed { .. }) => "failed",
        }
    }

    /// Returns the `processing_info` object.
    pub(super) fn info(&self) -> Value {
        match self.current() {
            None => json!({"state": "pending", "check_after_secs": 1}),
            Some(step) => step.info(),
        }
    }
}
