//! Video processing status: `GET /{video-id}?fields=status`.

use serde::Deserialize;
use social_core::{Platform, ProcessingError, RequestSpec, Result};

use crate::client::Client;
use crate::graph::{GraphRequest, PollStatus, ids, poll_until};
use crate::posts::check_object_id;

/// The `status` object of a video.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct VideoStatus {
    /// `upload_in_progress`, `processing`, `ready`, `upload_complete` or `error`.
    #[serde(default)]
    pub video_status: Option<String>,
    /// The upload phase.
    #[serde(default)]
    pub uploading_phase: Option<VideoPhase>,
    /// The processing phase.
    #[serde(default)]
    pub processing_phase: Option<VideoPhase>,
    /// The publishing phase.
    #[serde(default)]
    pub publishing_phase: Option<VideoPhase>,
}

/// One phase of a video's life.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct VideoPhase {
    /// `not_started`, `in_progress`, `complete` or `error`.
    #[serde(default)]
    pub status: Option<String>,
    /// Bytes received so far (Meta spells the field `bytes_transfered`).
    #[serde(
        default,
        rename = "bytes_transfered",
        alias = "bytes_transferred",
        deserialize_with = "ids::optional_u64_from_any"
    )]
    pub bytes_transferred: Option<u64>,
    /// The phase's error, which may appear while `video_status` still reads
    /// `processing`.
    #[serde(default)]
    pub error: Option<PhaseError>,
}

/// An error reported inside a phase.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct PhaseError {
    /// Meta's explanation, such as "Resolution too low".
    #[serde(default)]
    pub message: Option<String>,
    /// The error code, when one is given.
    #[serde(default, deserialize_with = "ids::optional_string")]
    pub code: Option<String>,
}

#[derive(Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: Option<VideoStatus>,
}

impl VideoStatus {
    /// Tells whether the video is ready.
    ///
    /// `ready` counts, and so does `upload_complete` once processing has no
    /// phase left running.
    // NOTE: the full set of `video_status` values is not in an official
    // reference; `upload_complete` as a final state comes from client code.
    pub fn is_ready(&self) -> bool {
        match self.video_status.as_deref() {
            Some("ready") => true,
            Some("upload_complete") => self
                .processing_phase
                .as_ref()
                .and_then(|p| p.status.as_deref())
                .is_none_or(|s| s == "complete"),
            _ => false,
        }
    }

    /// Returns why processing failed: a `video_status` of `error`, or an
    /// error in any phase.
    pub fn failure(&self) -> Option<(Option<String>, String)> {
        let phases = [
            &self.uploading_phase,
            &self.processing_phase,
            &self.publishing_phase,
        ];
        let phase_error = phases
            .into_iter()
            .flatten()
            .find_map(|phase| phase.error.as_ref());
        if let Some(error) = phase_error {
            let reason = error
                .message
                .clone()
                .unwrap_or_else(|| "no reason given".to_owned());
            return Some((error.code.clone(), reason));
        }
        let failed = self.video_status.as_deref() == Some("error");
        failed.then(|| (None, "video_status is error".to_owned()))
    }

    fn state(&self) -> String {
        self.video_status
            .clone()
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

impl Client {
    /// Reads a video's processing status.
    pub async fn video_status(&self, video_id: &str) -> Result<VideoStatus> {
        let video_id = check_object_id("video_id", video_id)?;
        let token = self.page_token().await?;
        let request = GraphRequest::get(RequestSpec::idempotent("video_status"), video_id)
            .query("fields", "status")
            .token(&token);
        let body: StatusBody = self.graph().send_json(&request).await?;
        Ok(body.status.unwrap_or_default())
    }

    /// Polls a video's status until it is ready. A failed phase gives
    /// `Processing` with Meta's reason; the deadline of the client's
    /// `PollSettings` gives `Timeout` keeping the video id.
    pub async fn wait_for_video(&self, video_id: &str) -> Result<VideoStatus> {
        let timer = self.timer().clone();
        poll_until(
            timer.as_ref(),
            &self.inner.poll,
            Platform::Facebook,
            video_id,
            || async {
                let status = self.video_status(video_id).await?;
                if let Some((code, reason)) = status.failure() {
                    let error = ProcessingError::new(Platform::Facebook, video_id, status.state())
                        .with_reason(code, Some(reason));
                    return Err(error.into());
                }
                if status.is_ready() {
                    return Ok(PollStatus::Done(status));
                }
                Ok(PollStatus::Pending {
                    state: status.state(),
                    retry_in: None,
                })
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> VideoStatus {
        let body: StatusBody = serde_json::from_str(json).expect("status json");
        body.status.expect("status object")
    }

    #[test]
    fn ready_and_upload_complete_accepted() {
        let ready = parse(r#"{"status":{"video_status":"ready"}}"#);
        let complete = parse(r#"{"status":{"video_status":"upload_complete"}}"#);
        let still_processing = parse(
            r#"{"status":{"video_status":"upload_complete","processing_phase":{"status":"in_progress"}}}"#,
        );

        assert!(ready.is_ready());
        assert!(complete.is_ready());
        assert!(!still_processing.is_ready());
    }

    #[test]
    fn phase_error_wins_over_processing_state() {
        let status = parse(
            r#"{"status":{"video_status":"processing","processing_phase":{"status":"not_started",
                "error":{"message":"Resolution too low"}}}}"#,
        );

        assert_eq!(
            status.failure(),
            Some((None, "Resolution too low".to_owned()))
        );
    }

    #[test]
    fn bytes_transfered_spelling_read() {
        let status = parse(
            r#"{"status":{"video_status":"upload_in_progress","uploading_phase":{"status":"in_progress","bytes_transfered":"4096"}}}"#,
        );

        let phase = status.uploading_phase.expect("uploading phase");
        assert_eq!(phase.bytes_transferred, Some(4096));
    }
}
