//! Reels: `POST /{page-id}/video_reels` with `upload_phase=start`, the bytes
//! to the returned rupload URL, then `upload_phase=finish`.

use std::time::SystemTime;

use serde::Deserialize;
use social_core::upload::report_progress;
use social_core::{MediaSource, ProgressCallback, RequestSpec, Result};
use url::Url;

use super::resumable::upload_spec;
use super::{VideoPublished, file_identity, probe_video};
use crate::client::Client;
use crate::graph::{AuthScheme, GraphRequest, Host, ids};
use crate::posts::{check_schedule, check_text};

/// Video types accepted for Reels.
const REEL_TYPES: [&str; 2] = ["video/mp4", "video/quicktime"];

/// The state of a Reel after the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReelState {
    /// Published at once.
    Published,
    /// Kept as a draft.
    Draft,
    /// Published at this time (10 minutes to 30 days ahead).
    Scheduled(SystemTime),
}

/// A Reel to publish on the Page.
#[derive(Debug, Clone)]
pub struct ReelUpload {
    source: MediaSource,
    description: Option<String>,
    state: ReelState,
    progress: Option<ProgressCallback>,
    wait_until_ready: bool,
}

impl ReelUpload {
    /// Creates a Reel from a video file, published at once.
    // NOTE: Meta requires 3 to 90 seconds and recommends 9:16. This SDK does not
    // parse the video, so those limits are left to the platform.
    pub fn new(source: MediaSource) -> ReelUpload {
        ReelUpload {
            source,
            description: None,
            state: ReelState::Published,
            progress: None,
            wait_until_ready: true,
        }
    }

    /// Sets the text shown with the Reel.
    pub fn description(mut self, description: impl Into<String>) -> ReelUpload {
        self.description = Some(description.into());
        self
    }

    /// Sets the state after upload. Default [`ReelState::Published`].
    pub fn state(mut self, state: ReelState) -> ReelUpload {
        self.state = state;
        self
    }

    /// Reports upload progress.
    pub fn progress(mut self, callback: ProgressCallback) -> ReelUpload {
        self.progress = Some(callback);
        self
    }

    /// Returns as soon as the Reel is finished, without polling processing.
    pub fn skip_processing_wait(mut self) -> ReelUpload {
        self.wait_until_ready = false;
        self
    }
}

#[derive(Deserialize)]
struct StartBody {
    #[serde(deserialize_with = "ids::string")]
    video_id: String,
    #[serde(default)]
    upload_url: Option<String>,
}

#[derive(Deserialize)]
struct FinishBody {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default, deserialize_with = "ids::optional_string")]
    post_id: Option<String>,
}

impl Client {
    /// Publishes a Reel. After a dropped connection or a retriable rupload
    /// failure, the upload resumes from the `bytes_transfered` the video's
    /// status reports.
    pub async fn publish_reel(&self, reel: &ReelUpload) -> Result<VideoPublished> {
        let schedule = match reel.state {
            ReelState::Scheduled(at) => Some(check_schedule(at, self.timer().now())?),
            _ => None,
        };
        if let Some(description) = &reel.description {
            check_text("description", description)?;
        }
        let info = probe_video(&reel.source, &REEL_TYPES).await?;
        let file = file_identity(&reel.source, &info).await?;
        let token = self.page_token().await?;
        let path = format!("{}/video_reels", self.page_id());

        // NOTE: Meta counts 30 API-published Reels per Page per day on this
        // endpoint; whether an unfinished start counts is not documented.
        let start = GraphRequest::post(RequestSpec::idempotent("start_reel"), path.clone())
            .form("upload_phase", "start")
            .token(&token);
        let started: StartBody = self.graph().send_json(&start).await?;
        let upload_url = self.reel_upload_url(&started)?;

        let total = info.len;
        let progress = reel.progress.as_ref();
        let send = |offset: u64| {
            let request = GraphRequest::post(upload_spec("upload_reel"), "")
                .at_url(upload_url.clone())
                .auth_scheme(AuthScheme::OAuth)
                .header("offset", offset.to_string())
                .header("file_size", total.to_string())
                .media_body(
                    &reel.source,
                    offset,
                    total - offset,
                    mime::APPLICATION_OCTET_STREAM,
                )
                .token(&token);
            async move { self.graph().send(&request).await }
        };
        let server_offset = || async {
            let status = self.video_status(&started.video_id).await?;
            let sent = status
                .uploading_phase
                .and_then(|p| p.bytes_transferred)
                .unwrap_or(0);
            Ok(sent)
        };
        report_progress(progress, 0, total);
        self.upload_with_resume(0, total, file.as_ref(), progress, send, server_offset)
            .await?;
        report_progress(progress, total, total);

        let (state, schedule) = match (reel.state, schedule) {
            (ReelState::Published, _) => ("PUBLISHED", None),
            (ReelState::Draft, _) => ("DRAFT", None),
            (ReelState::Scheduled(_), schedule) => ("SCHEDULED", schedule),
        };
        let mut finish = GraphRequest::post(RequestSpec::creating("finish_reel"), path)
            .form("upload_phase", "finish")
            .form("video_id", started.video_id.as_str())
            .form("video_state", state)
            .token(&token);
        if let Some(description) = &reel.description {
            finish = finish.form("description", description.as_str());
        }
        if let Some(at) = schedule {
            finish = finish.form("scheduled_publish_time", at.to_string());
        }
        let response = self.graph().send(&finish).await?;
        let finished: FinishBody = response.json()?;
        if finished.success == Some(false) {
            return Err(response
                .unexpected(
                    social_core::UnexpectedBody::MissingField,
                    "finishing the Reel answered success: false",
                )
                .into());
        }

        let status = match reel.wait_until_ready {
            true => Some(self.wait_for_video(&started.video_id).await?),
            false => None,
        };
        Ok(VideoPublished {
            video_id: started.video_id,
            post_id: finished.post_id,
            status,
        })
    }

    /// Returns the returned `upload_url`, or builds
    /// `<rupload>/video-upload/<version>/<video-id>` when none came back.
    /// The client later sends the token only if the URL lies below the
    /// configured rupload host.
    fn reel_upload_url(&self, started: &StartBody) -> Result<Url> {
        if let Some(url) = &started.upload_url {
            return Url::parse(url).map_err(|e| {
                social_core::UnexpectedResponse::new(
                    social_core::Platform::Facebook,
                    social_core::UnexpectedBody::MissingField,
                    None,
                    format!("upload_url is not a valid URL ({e})"),
                )
                .into()
            });
        }
        let video_id = crate::posts::check_object_id("video_id", &started.video_id)?;
        let version = self.graph().version().to_owned();
        self.graph()
            .host_path(Host::Rupload, &["video-upload", &version, video_id])
    }
}
