//! Page videos: the chunked `upload_phase` flow on the video host, the
//! Resumable Upload API with a file handle, and Reels through rupload.
//! Every flow streams the file from disk and then polls
//! `status.video_status` until the video is ready, fails, or the deadline
//! of the client's `PollSettings` passes.

mod chunked;
mod reels;
mod resumable;
mod status;

use std::time::SystemTime;

use social_core::upload::FileIdentity;
use social_core::{Error, MediaInfo, MediaSource, ProgressCallback, Result};

use crate::photos::probe_media;
use crate::posts::{check_schedule, check_text};

pub use chunked::VideoSession;
pub use reels::{ReelState, ReelUpload};
pub use status::{PhaseError, VideoPhase, VideoStatus};

/// Title, description and publishing state of a Page video.
#[derive(Debug, Clone, Default)]
pub struct VideoDetails {
    title: Option<String>,
    description: Option<String>,
    unpublished: bool,
    scheduled_at: Option<SystemTime>,
}

impl VideoDetails {
    /// Empty details: the video is published at once.
    pub fn new() -> VideoDetails {
        VideoDetails::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> VideoDetails {
        self.title = Some(title.into());
        self
    }

    /// Sets the description, the text shown with the video.
    pub fn description(mut self, description: impl Into<String>) -> VideoDetails {
        self.description = Some(description.into());
        self
    }

    /// Uploads the video without publishing it.
    pub fn unpublished(mut self) -> VideoDetails {
        self.unpublished = true;
        self
    }

    /// Schedules publication 10 minutes to 30 days ahead.
    pub fn scheduled_at(mut self, at: SystemTime) -> VideoDetails {
        self.scheduled_at = Some(at);
        self.unpublished = true;
        self
    }

    /// Returns the form fields for `now`, checking the schedule.
    pub(crate) fn fields(&self, now: SystemTime) -> Result<Vec<(&'static str, String)>> {
        let mut fields = Vec::new();
        if let Some(title) = &self.title {
            check_text("title", title)?;
            fields.push(("title", title.clone()));
        }
        if let Some(description) = &self.description {
            check_text("description", description)?;
            fields.push(("description", description.clone()));
        }
        if self.unpublished {
            fields.push(("published", "false".to_owned()));
        }
        if let Some(at) = self.scheduled_at {
            fields.push((
                "scheduled_publish_time",
                check_schedule(at, now)?.to_string(),
            ));
        }
        Ok(fields)
    }
}

/// A video file to upload to the Page.
#[derive(Debug, Clone)]
pub struct VideoUpload {
    pub(crate) source: MediaSource,
    pub(crate) details: VideoDetails,
    pub(crate) progress: Option<ProgressCallback>,
    pub(crate) wait_until_ready: bool,
}

impl VideoUpload {
    /// Creates an upload of a video file (or bytes in memory) with empty details.
    pub fn new(source: MediaSource) -> VideoUpload {
        VideoUpload {
            source,
            details: VideoDetails::default(),
            progress: None,
            wait_until_ready: true,
        }
    }

    /// Sets title, description and publishing state.
    pub fn details(mut self, details: VideoDetails) -> VideoUpload {
        self.details = details;
        self
    }

    /// Reports the bytes the server confirmed after each chunk.
    pub fn progress(mut self, callback: ProgressCallback) -> VideoUpload {
        self.progress = Some(callback);
        self
    }

    /// Returns as soon as the upload is finished, without polling processing.
    pub fn skip_processing_wait(mut self) -> VideoUpload {
        self.wait_until_ready = false;
        self
    }
}

/// A video uploaded to the Page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoPublished {
    /// The video id.
    pub video_id: String,
    /// The post id, when the platform returned one (Reels may).
    pub post_id: Option<String>,
    /// The last processing status; `None` when polling was skipped.
    pub status: Option<VideoStatus>,
}

/// Reads the identity of a file source, so the upload can check that the
/// file does not change while it is sent. Fails when the file already
/// changed since `info` was read.
pub(crate) async fn file_identity(
    source: &MediaSource,
    info: &MediaInfo,
) -> Result<Option<FileIdentity>> {
    let MediaSource::File(path) = source else {
        return Ok(None);
    };
    let identity = FileIdentity::read(path).await?;
    if identity.len != info.len {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} changed while it was being read ({} bytes, then {}); upload it again",
                path.display(),
                info.len,
                identity.len
            ),
        ));
    }
    Ok(Some(identity))
}

/// Checks that a file still has the identity read when its upload began.
pub(crate) async fn ensure_same_file(saved: &FileIdentity) -> Result<()> {
    let current = FileIdentity::read(&saved.path).await?;
    if current != *saved {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} changed during the upload (size or modification time); upload it again",
                saved.path.display()
            ),
        ));
    }
    Ok(())
}

/// Checks that `source` is a readable, non-empty video of one of `types`.
pub(crate) async fn probe_video(source: &MediaSource, types: &[&str]) -> Result<MediaInfo> {
    let info = probe_media("video", source).await?;
    if !types.contains(&info.mime.essence_str()) {
        return Err(Error::invalid_input(
            "video",
            format!(
                "{} is {}; this upload takes {}",
                source.describe(),
                info.mime,
                types.join(" or ")
            ),
        ));
    }
    if info.len == 0 {
        return Err(Error::invalid_input(
            "video",
            format!("{} is empty", source.describe()),
        ));
    }
    Ok(info)
}
