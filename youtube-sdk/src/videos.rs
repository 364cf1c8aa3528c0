//! `videos.list`, `videos.update`, `videos.delete`, and waiting for
//! processing.

use serde_json::{Map, Value, json};
use social_core::http::{Method, StatusCode};
use social_core::upload::PollSettings;
use social_core::{
    ApiError, Delivery, Error, ErrorKind, Platform, ProcessingError, RequestSpec, Result,
    TimeoutError,
};

use crate::client::Client;
use crate::metadata::{validate_description, validate_rfc3339, validate_tags, validate_title};
use crate::model::{ListResponse, PrivacyStatus, Video};

/// The parts [`Client::get_video`] requests.
pub const DEFAULT_PARTS: &str = "snippet,status,statistics,processingDetails";

/// Read-only `snippet` fields that must not be sent back in an update.
const READ_ONLY_SNIPPET: &[&str] = &[
    "publishedAt",
    "channelId",
    "channelTitle",
    "thumbnails",
    "liveBroadcastContent",
    "localized",
];
/// Read-only `status` fields.
const READ_ONLY_STATUS: &[&str] = &[
    "uploadStatus",
    "failureReason",
    "rejectionReason",
    "madeForKids",
];

impl Client {
    /// `videos.list` for up to 50 ids with the given `parts` (such as
    /// `snippet,status`). Videos that do not exist or that the caller may
    /// not see are missing from the result.
    pub async fn list_videos(&self, ids: &[&str], parts: &str) -> Result<Vec<Video>> {
        if ids.is_empty() || ids.len() > 50 {
            return Err(Error::invalid_input(
                "ids",
                format!("{} ids; give 1 to 50", ids.len()),
            ));
        }
        if let Some(bad) = ids.iter().find(|id| !valid_id(id)) {
            return Err(Error::invalid_input(
                "ids",
                format!("`{bad}` is not a video id"),
            ));
        }
        if parts.trim().is_empty() {
            return Err(Error::invalid_input(
                "parts",
                "empty; name at least one part such as snippet",
            ));
        }
        let joined = ids.join(",");
        let url = self.api_url("videos", &[("part", parts), ("id", &joined)])?;
        let response = self
            .call(
                RequestSpec::idempotent("videos.list"),
                Method::GET,
                url,
                None,
            )
            .await?;
        let list: ListResponse<Video> = response.json()?;
        Ok(list.items)
    }

    /// Reads one video with snippet, status, statistics and processing
    /// details. A missing video is an [`ErrorKind::NotFound`] error.
    pub async fn get_video(&self, id: &str) -> Result<Video> {
        let mut videos = self.list_videos(&[id], DEFAULT_PARTS).await?;
        match videos.iter().position(|v| v.id == id) {
            Some(i) => Ok(videos.swap_remove(i)),
            None => Err(ApiError::new(
                Platform::YouTube,
                ErrorKind::NotFound,
                format!("video {id} was not found, or it is private to another account"),
            )
            .with_code("videoNotFound")
            .into()),
        }
    }

    /// Reads the `snippet` and `status` of a video for editing. YouTube
    /// replaces whole parts on update, so an edit starts from what is there.
    pub async fn edit_video(&self, id: &str) -> Result<VideoEdit> {
        if !valid_id(id) {
            return Err(Error::invalid_input(
                "video_id",
                format!("`{id}` is not a video id"),
            ));
        }
        let url = self.api_url("videos", &[("part", "snippet,status"), ("id", id)])?;
        let response = self
            .call(
                RequestSpec::idempotent("videos.list"),
                Method::GET,
                url,
                None,
            )
            .await?;
        let list: ListResponse<Value> = response.json()?;
        let item = list
            .items
            .into_iter()
            .find(|v| v.get("id").and_then(Value::as_str) == Some(id));
        let Some(item) = item else {
            return Err(ApiError::new(
                Platform::YouTube,
                ErrorKind::NotFound,
                format!("video {id} was not found"),
            )
            .with_code("videoNotFound")
            .into());
        };
        let part = |name: &str, read_only: &[&str]| {
            let mut map = item
                .get(name)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for key in read_only {
                map.remove(*key);
            }
            map
        };
        Ok(VideoEdit {
            id: id.to_owned(),
            snippet: part("snippet", READ_ONLY_SNIPPET),
            status: part("status", READ_ONLY_STATUS),
        })
    }

    /// Writes an edit back with `videos.update` (parts `snippet,status`)
    /// and returns the updated video.
    pub async fn update_video(&self, edit: &VideoEdit) -> Result<Video> {
        edit.validate()?;
        let url = self.api_url("videos", &[("part", "snippet,status")])?;
        let body = json!({ "id": edit.id, "snippet": edit.snippet, "status": edit.status });
        let response = self
            .call(
                RequestSpec::idempotent("videos.update"),
                Method::PUT,
                url,
                Some(body),
            )
            .await?;
        response.json()
    }

    /// Reads, changes and writes a video in one step.
    pub async fn update_video_with(
        &self,
        id: &str,
        change: impl FnOnce(&mut VideoEdit),
    ) -> Result<Video> {
        let mut edit = self.edit_video(id).await?;
        change(&mut edit);
        self.update_video(&edit).await
    }

    /// Deletes a video (`videos.delete`, 204 on success).
    ///
    /// Retried after a 5xx or a dropped connection like any idempotent call.
    /// A retry that gets `videoNotFound` after such a failure counts as
    /// success, because the first attempt may have deleted the video. After
    /// a rate limit (which YouTube did not act on) it stays an error.
    pub async fn delete_video(&self, id: &str) -> Result<()> {
        if !valid_id(id) {
            return Err(Error::invalid_input(
                "video_id",
                format!("`{id}` is not a video id"),
            ));
        }
        let url = self.api_url("videos", &[("id", id)])?;
        let spec = RequestSpec::idempotent("videos.delete");
        match self
            .call(
                spec.clone().retry_policy(social_core::RetryPolicy::never()),
                Method::DELETE,
                url.clone(),
                None,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if error.is_retryable() => {
                let may_have_deleted = error.delivery() == Some(Delivery::Unknown);
                match self.call(spec, Method::DELETE, url, None).await {
                    Ok(_) => Ok(()),
                    Err(again)
                        if may_have_deleted && again.status() == Some(StatusCode::NOT_FOUND) =>
                    {
                        Ok(())
                    }
                    Err(again) => Err(again),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Polls `videos.list` until YouTube has processed the video.
    ///
    /// Returns the video when `processingDetails.processingStatus` is
    /// `succeeded` (or `status.uploadStatus` is `processed`). A failed or
    /// rejected video is an [`Error::Processing`] with YouTube's reason
    /// (`duplicate`, `codec`, …); when `settings.deadline` passes first,
    /// an [`Error::Timeout`] keeps the id.
    pub async fn wait_for_processing(&self, id: &str, settings: PollSettings) -> Result<Video> {
        let timer = self.inner.http.timer().clone();
        let started = timer.now();
        let mut attempt = 0;
        loop {
            let videos = self.list_videos(&[id], "status,processingDetails").await?;
            let video = videos.into_iter().find(|v| v.id == id);
            let Some(video) = video else {
                return Err(ApiError::new(
                    Platform::YouTube,
                    ErrorKind::NotFound,
                    format!("video {id} was not found"),
                )
                .with_code("videoNotFound")
                .into());
            };
            let state = processing_state(&video);
            match state {
                State::Done => return Ok(video),
                State::Failed(error) => return Err(error.into()),
                State::Pending(last) => {
                    attempt += 1;
                    let waited = timer.now().duration_since(started).unwrap_or_default();
                    // timeLeftMs is only an estimate, and each poll costs a
                    // quota unit, so it may lengthen the backoff but never
                    // shortens it.
                    let estimate = video
                        .processing_details
                        .as_ref()
                        .and_then(|p| p.processing_progress.as_ref())
                        .and_then(|p| p.time_left_ms)
                        .map(std::time::Duration::from_millis)
                        .unwrap_or_default()
                        .min(settings.max_interval);
                    let delay = settings
                        .interval(attempt, None)
                        .max(estimate)
                        .max(std::time::Duration::from_millis(1));
                    if waited + delay > settings.deadline {
                        return Err(TimeoutError::new(Platform::YouTube, id, last, waited).into());
                    }
                    timer.sleep(delay).await;
                }
            }
        }
    }
}

enum State {
    Done,
    Failed(ProcessingError),
    Pending(Option<String>),
}

fn processing_state(video: &Video) -> State {
    let status = video.status.as_ref();
    let upload = status.and_then(|s| s.upload_status.as_deref());
    let processing = video
        .processing_details
        .as_ref()
        .and_then(|p| p.processing_status.as_deref());
    let fail = |state: &str, code: Option<&str>| {
        let reason = code.map(|c| format!("YouTube reported {state}: {c}"));
        State::Failed(
            ProcessingError::new(Platform::YouTube, &video.id, state)
                .with_reason(code.map(str::to_owned), reason),
        )
    };
    match (upload, processing) {
        (Some("rejected"), _) => fail(
            "rejected",
            status.and_then(|s| s.rejection_reason.as_deref()),
        ),
        (Some("failed"), _) => fail("failed", status.and_then(|s| s.failure_reason.as_deref())),
        (Some("deleted"), _) => fail("deleted", None),
        (_, Some("failed" | "terminated")) => fail(
            processing.unwrap_or("failed"),
            video
                .processing_details
                .as_ref()
                .and_then(|p| p.processing_failure_reason.as_deref()),
        ),
        (_, Some("succeeded")) | (Some("processed"), _) => State::Done,
        (upload, processing) => State::Pending(processing.or(upload).map(str::to_owned)),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) fn validate_video_id(id: &str) -> Result<()> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "video_id",
            format!("`{id}` is not a video id"),
        ))
    }
}

/// The writable `snippet` and `status` of a video, read by
/// [`Client::edit_video`]. Fields this type has no setter for are kept as
/// they were, so an update never resets them.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoEdit {
    id: String,
    snippet: Map<String, Value>,
    status: Map<String, Value>,
}

impl VideoEdit {
    /// Returns the video id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Returns the writable snippet fields.
    pub fn snippet(&self) -> &Map<String, Value> {
        &self.snippet
    }

    /// Returns the writable status fields.
    pub fn status(&self) -> &Map<String, Value> {
        &self.status
    }

    /// Sets the title.
    pub fn set_title(&mut self, title: impl Into<String>) -> &mut Self {
        self.snippet
            .insert("title".into(), Value::String(title.into()));
        self
    }

    /// Sets the description.
    pub fn set_description(&mut self, description: impl Into<String>) -> &mut Self {
        self.snippet
            .insert("description".into(), Value::String(description.into()));
        self
    }

    /// Replaces the tags.
    pub fn set_tags<I, S>(&mut self, tags: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let tags: Vec<Value> = tags.into_iter().map(|t| Value::String(t.into())).collect();
        self.snippet.insert("tags".into(), Value::Array(tags));
        self
    }

    /// Sets the category id.
    pub fn set_category_id(&mut self, category_id: impl Into<String>) -> &mut Self {
        self.snippet
            .insert("categoryId".into(), Value::String(category_id.into()));
        self
    }

    /// Sets the privacy.
    pub fn set_privacy(&mut self, privacy: PrivacyStatus) -> &mut Self {
        self.status.insert(
            "privacyStatus".into(),
            Value::String(privacy.as_str().to_owned()),
        );
        self
    }

    /// Sets the scheduled publication time (RFC 3339); the video must stay private.
    pub fn set_publish_at(&mut self, at: impl Into<String>) -> &mut Self {
        self.status
            .insert("publishAt".into(), Value::String(at.into()));
        self
    }

    /// Declares whether the video is made for kids.
    pub fn set_made_for_kids(&mut self, made_for_kids: bool) -> &mut Self {
        self.status
            .insert("selfDeclaredMadeForKids".into(), Value::Bool(made_for_kids));
        self
    }

    /// Declares altered or synthetic content.
    pub fn set_contains_synthetic_media(&mut self, synthetic: bool) -> &mut Self {
        self.status
            .insert("containsSyntheticMedia".into(), Value::Bool(synthetic));
        self
    }

    fn validate(&self) -> Result<()> {
        validate_video_id(&self.id)?;
        let text = |map: &Map<String, Value>, key: &str| {
            map.get(key).and_then(Value::as_str).map(str::to_owned)
        };
        validate_title(&text(&self.snippet, "title").unwrap_or_default())?;
        if let Some(description) = text(&self.snippet, "description") {
            validate_description(&description)?;
        }
        if let Some(tags) = self.snippet.get("tags").and_then(Value::as_array) {
            let tags: Vec<String> = tags
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            validate_tags(&tags)?;
        }
        if self.snippet.get("categoryId").is_none() {
            // videos.update rejects a snippet without a category.
            return Err(Error::invalid_input(
                "category_id",
                "an updated snippet needs a category id",
            ));
        }
        if let Some(at) = text(&self.status, "publishAt") {
            validate_rfc3339("publish_at", &at)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(json: Value) -> Video {
        serde_json::from_value(json).expect("video")
    }

    #[test]
    fn processing_states() {
        let done = video(json!({"id":"a","processingDetails":{"processingStatus":"succeeded"}}));
        let pending = video(
            json!({"id":"a","status":{"uploadStatus":"uploaded"},"processingDetails":{"processingStatus":"processing"}}),
        );
        let duplicate = video(
            json!({"id":"a","status":{"uploadStatus":"rejected","rejectionReason":"duplicate"}}),
        );

        assert!(matches!(processing_state(&done), State::Done));
        assert!(matches!(processing_state(&pending), State::Pending(Some(s)) if s == "processing"));
        match processing_state(&duplicate) {
            State::Failed(e) => assert_eq!(e.code(), Some("duplicate")),
            _ => panic!("rejected video must fail"),
        }
    }

    #[test]
    fn video_ids() {
        assert!(valid_id("dQw4w9WgXcQ"));
        assert!(valid_id("a-b_c"));
        assert!(!valid_id(""));
        assert!(!valid_id("a,b"));
        assert!(!valid_id("a b"));
    }
}
