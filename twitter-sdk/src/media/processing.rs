//! Polling media processing: `pending`, `in_progress`, then `succeeded` or
//! `failed`, waiting as long as X's `check_after_secs` requests.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use social_core::http::Method;
use social_core::{Platform, ProcessingError, RequestSpec, Result, TimeoutError};

use super::{MediaData, media_data};
use crate::client::{ApiRequest, Client};

/// Processing state of uploaded media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessingState {
    /// Queued.
    Pending,
    /// Being processed.
    InProgress,
    /// Ready to attach.
    Succeeded,
    /// Rejected; see [`MediaStatus::error_message`].
    Failed,
    /// A state this SDK does not know, kept as sent.
    Unknown(String),
}

impl ProcessingState {
    fn parse(state: &str) -> ProcessingState {
        match state {
            "pending" => ProcessingState::Pending,
            "in_progress" => ProcessingState::InProgress,
            "succeeded" => ProcessingState::Succeeded,
            "failed" => ProcessingState::Failed,
            other => ProcessingState::Unknown(other.to_owned()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            ProcessingState::Pending => "pending",
            ProcessingState::InProgress => "in_progress",
            ProcessingState::Succeeded => "succeeded",
            ProcessingState::Failed => "failed",
            ProcessingState::Unknown(state) => state,
        }
    }
}

/// The `processing_info` object.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ProcessingInfo {
    state: String,
    #[serde(default)]
    check_after_secs: Option<u64>,
    #[serde(default)]
    progress_percent: Option<u32>,
    #[serde(default)]
    error: Option<ProcessingFailure>,
}

#[derive(Debug, Clone, Deserialize)]
struct ProcessingFailure {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// The processing status of one media item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaStatus {
    /// The media id.
    pub id: String,
    /// The state.
    pub state: ProcessingState,
    /// The share of processing done, when X reports it.
    pub progress_percent: Option<u32>,
    /// How long X asks us to wait before checking again.
    pub check_after: Option<Duration>,
    /// The failure's code and name (`1`, `InvalidMedia`), when failed.
    pub error_code: Option<String>,
    /// The failure's message, when failed.
    pub error_message: Option<String>,
}

impl MediaStatus {
    /// Reads the status from an upload response: no `processing_info` means ready.
    pub(crate) fn from_data(data: &MediaData) -> MediaStatus {
        let Some(info) = &data.processing_info else {
            return MediaStatus {
                id: data.id.clone(),
                state: ProcessingState::Succeeded,
                progress_percent: None,
                check_after: None,
                error_code: None,
                error_message: None,
            };
        };
        let error = info.error.as_ref();
        let code = error.and_then(|e| e.code.as_ref()).map(|c| match c {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        let name = error.and_then(|e| e.name.clone());
        let error_code = match (code, name) {
            (Some(code), Some(name)) => Some(format!("{code} {name}")),
            (code, name) => code.or(name),
        };
        MediaStatus {
            id: data.id.clone(),
            state: ProcessingState::parse(&info.state),
            progress_percent: info.progress_percent,
            check_after: info.check_after_secs.map(Duration::from_secs),
            error_code,
            error_message: error.and_then(|e| e.message.clone()),
        }
    }
}

impl Client {
    /// Reads the processing status of uploaded media.
    pub async fn media_status(&self, media_id: &str) -> Result<MediaStatus> {
        crate::validate::check_id("media_id", media_id)?;
        let request = ApiRequest::new(
            Method::GET,
            "2/media/upload",
            RequestSpec::idempotent("media_status"),
        )
        .query("command", "STATUS")
        .query("media_id", media_id)
        .user_context();
        let response = self.send(request).await?;
        Ok(MediaStatus::from_data(&media_data(&response)?))
    }

    /// Polls until the media is ready, for example after a restart with a
    /// media id kept from a [`social_core::Error::Timeout`].
    pub async fn wait_for_media(&self, media_id: &str) -> Result<MediaStatus> {
        let status = self.media_status(media_id).await?;
        self.wait_for_media_from(status).await
    }

    pub(crate) async fn wait_for_media_from(&self, mut status: MediaStatus) -> Result<MediaStatus> {
        let timer = self.inner.http.timer().clone();
        let poll = self.inner.poll;
        let started = timer.now();
        let mut checks = 0;
        loop {
            match &status.state {
                ProcessingState::Succeeded => return Ok(status),
                ProcessingState::Failed => return Err(failed(status)),
                ProcessingState::Unknown(state) => {
                    tracing::warn!(
                        media_id = status.id,
                        state,
                        "unknown media processing state, still polling"
                    );
                }
                ProcessingState::Pending | ProcessingState::InProgress => {}
            }
            checks += 1;
            let wait = poll.interval(checks, status.check_after);
            let waited = timer
                .now()
                .duration_since(started)
                .unwrap_or(Duration::ZERO);
            if waited + wait > poll.deadline {
                let last = Some(status.state.as_str().to_owned());
                return Err(TimeoutError::new(Platform::X, status.id, last, waited).into());
            }
            tracing::debug!(media_id = status.id, state = status.state.as_str(), progress = ?status.progress_percent, wait_s = wait.as_secs(), "media processing");
            timer.sleep(wait).await;
            status = match self.media_status(&status.id).await {
                Ok(next) => next,
                // A failed check after its retries is not the end: the media
                // is still on X, so keep polling until the deadline, which
                // returns the id in a `Timeout`.
                Err(error) if error.is_retryable() => {
                    tracing::warn!(media_id = status.id, error = %error, "media status check failed, polling on");
                    MediaStatus {
                        check_after: None,
                        ..status
                    }
                }
                Err(error) => return Err(error),
            };
        }
    }
}

fn failed(status: MediaStatus) -> social_core::Error {
    ProcessingError::new(Platform::X, status.id, "failed")
        .with_reason(status.error_code, status.error_message)
        .into()
}
