//! `videos.insert` as a resumable upload that survives dropped connections,
//! 5xx responses, an expiring token, an expired session and a restart of the
//! process.
//!
//! The loop trusts the server, never its own count:
//!
//! - each chunk is `PUT` with `Content-Range: bytes FIRST-LAST/TOTAL`,
//!   streamed from disk with an exact `Content-Length`;
//! - a `308` moves the offset to the `Range` header's last byte + 1 (no
//!   `Range`: back to 0, same session), and a new `Location` replaces the
//!   session URI;
//! - after a dropped connection, a timeout, a 5xx or a 429 it backs off and
//!   asks the server where it stands (`Content-Range: bytes */TOTAL`, empty
//!   body) before sending more, so no byte past the server's offset plus
//!   the current chunk is ever sent;
//! - a 401 (`authError`) refreshes the token once and queries the same
//!   session; a 404/410 on the session starts a new one from byte 0,
//!   except after a last chunk whose outcome is unknown: YouTube may have
//!   created the video, so the error says the delivery is unknown instead
//!   of the video being uploaded a second time;
//! - the file's size and modification time are checked before each chunk,
//!   so a file rewritten mid-upload stops the upload.

mod resumable;
mod session;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use social_core::auth::with_token_refresh;
use social_core::http::StatusCode;
use social_core::upload::FileIdentity;
use social_core::{
    Error, MediaSource, ProgressCallback, RequestSpec, Response, Result, Secret, UnexpectedBody,
};

pub use resumable::ResumableUpload;
pub use session::{SessionUri, UploadSession};

use crate::client::{Client, bearer};
use crate::metadata::VideoMetadata;
use crate::model::{PrivacyStatus, Video};

/// Chunks must be a multiple of this size (256 KiB), except the last one.
// NOTE: this is Google's general resumable-upload rule (Drive, .NET client);
// the YouTube guide's own wording on chunk sizes was not available to check.
pub const CHUNK_GRANULE: u64 = 256 * 1024;
/// Default chunk size: 8 MiB.
pub const DEFAULT_CHUNK_SIZE: u64 = 8 * 1024 * 1024;
/// Largest video YouTube accepts: 256 GiB.
pub const MAX_VIDEO_BYTES: u64 = 256 * 1024 * 1024 * 1024;

/// Called with the session whenever it changes (created, offset moved,
/// URI replaced), so the application can persist it.
pub type SessionCallback = Arc<dyn Fn(&UploadSession) + Send + Sync>;

pub(crate) fn validate_chunk_size(bytes: u64) -> Result<()> {
    if bytes == 0 || !bytes.is_multiple_of(CHUNK_GRANULE) {
        return Err(Error::invalid_input(
            "chunk_size",
            format!("{bytes} bytes; it must be a positive multiple of 262144 (256 KiB)"),
        ));
    }
    Ok(())
}

/// Counts of what an upload did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadStats {
    /// HTTP requests sent to the upload server (session starts included).
    pub requests: u32,
    /// Chunk `PUT`s.
    pub chunks_sent: u32,
    /// Status queries (`Content-Range: bytes */TOTAL`).
    pub status_queries: u32,
    /// Media bytes put on the wire, re-sent bytes included.
    pub bytes_sent: u64,
    /// Retries after a failed request.
    pub retries: u32,
    /// Token refreshes after a 401.
    pub token_refreshes: u32,
    /// Sessions this upload object started: 1 after `begin` (0 after a
    /// resume), plus one for each expired session it replaced.
    pub sessions_started: u32,
}

/// A finished upload: the video as YouTube returned it, and the privacy
/// that was asked for next to the one YouTube applied.
#[derive(Debug, Clone)]
pub struct UploadedVideo {
    pub(crate) video: Video,
    pub(crate) requested_privacy: PrivacyStatus,
    pub(crate) stats: UploadStats,
}

impl UploadedVideo {
    /// Returns the new video's id.
    pub fn id(&self) -> &str {
        &self.video.id
    }

    /// Returns the video resource from the final response.
    pub fn video(&self) -> &Video {
        &self.video
    }

    /// Returns the privacy the upload asked for.
    pub fn requested_privacy(&self) -> &PrivacyStatus {
        &self.requested_privacy
    }

    /// Returns the privacy YouTube applied, when the response included it.
    pub fn effective_privacy(&self) -> Option<&PrivacyStatus> {
        self.video.privacy_status()
    }

    /// Tells whether YouTube made the video more private than requested.
    /// Uploads from unverified API projects (created after 28 July 2020)
    /// are locked to `private` until the project passes Google's audit.
    pub fn privacy_restricted(&self) -> bool {
        self.effective_privacy().is_some_and(|p| {
            *p == PrivacyStatus::Private && self.requested_privacy != PrivacyStatus::Private
        })
    }

    /// Describes requested and effective privacy side by side.
    pub fn privacy_summary(&self) -> String {
        let effective = self
            .effective_privacy()
            .map_or_else(|| "unknown".to_owned(), ToString::to_string);
        let mut text = format!(
            "requested {}, effective {effective}",
            self.requested_privacy
        );
        if self.privacy_restricted() {
            text.push_str(
                " (YouTube keeps uploads from unverified API projects private until \
                 the project passes the API audit)",
            );
        }
        text
    }

    /// Returns what the upload did.
    pub fn stats(&self) -> &UploadStats {
        &self.stats
    }

    /// Returns the video resource.
    pub fn into_video(self) -> Video {
        self.video
    }
}

/// A `videos.insert` request being prepared; from
/// [`Client::upload_video`].
#[must_use = "call send() or begin()"]
pub struct VideoInsert {
    client: Client,
    metadata: VideoMetadata,
    path: PathBuf,
    chunk_size: Option<u64>,
    content_type: Option<String>,
    progress: Option<ProgressCallback>,
    on_session: Option<SessionCallback>,
}

impl fmt::Debug for VideoInsert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoInsert")
            .field("metadata", &self.metadata)
            .field("path", &self.path)
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Prepares a resumable upload of the video file at `path`.
    pub fn upload_video(&self, metadata: VideoMetadata, path: impl AsRef<Path>) -> VideoInsert {
        VideoInsert {
            client: self.clone(),
            metadata,
            path: path.as_ref().to_path_buf(),
            chunk_size: None,
            content_type: None,
            progress: None,
            on_session: None,
        }
    }

    /// Continues a saved upload. The file must still have the same path,
    /// size and modification time. The first request is a status query
    /// for the server's offset.
    pub async fn resume_upload(&self, session: UploadSession) -> Result<ResumableUpload> {
        validate_chunk_size(session.chunk_size)?;
        if session.file.len == 0 {
            return Err(Error::invalid_input(
                "upload_session",
                "the saved session is for an empty file",
            ));
        }
        check_identity(&session.file).await?;
        Ok(ResumableUpload::new(
            self.clone(),
            session,
            UploadStats::default(),
            true,
        ))
    }
}

impl VideoInsert {
    /// Sets the chunk size: a multiple of 256 KiB. Default from the client (8 MiB).
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = Some(bytes);
        self
    }

    /// Sets the media type instead of detecting it from the file's first
    /// bytes (`video/*` or `application/octet-stream`). Needed for formats
    /// without a signature the SDK recognises, such as WMV, FLV or MPEG-PS.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Reports progress after every chunk the server confirms.
    pub fn on_progress(mut self, callback: ProgressCallback) -> Self {
        self.progress = Some(callback);
        self
    }

    /// Receives the session whenever it changes, to persist it.
    pub fn on_session_change(
        mut self,
        callback: impl Fn(&UploadSession) + Send + Sync + 'static,
    ) -> Self {
        self.on_session = Some(Arc::new(callback));
        self
    }

    /// Validates everything, starts the session and returns the upload,
    /// ready for [`ResumableUpload::finish`]. Nothing is sent when an input
    /// is invalid.
    pub async fn begin(self) -> Result<ResumableUpload> {
        self.metadata.validate()?;
        let chunk_size = self.chunk_size.unwrap_or(self.client.inner.chunk_size);
        validate_chunk_size(chunk_size)?;
        let info = MediaSource::file(&self.path).probe().await?;
        if info.len == 0 {
            return Err(Error::invalid_input(
                "media",
                format!("{} is empty", self.path.display()),
            ));
        }
        let content_type = match self.content_type {
            Some(declared) => declared,
            None if info.mime == mime::APPLICATION_OCTET_STREAM => {
                // A text file named clip.mp4 would spend one of the day's
                // uploads and fail in YouTube's processing.
                return Err(Error::invalid_input(
                    "media",
                    format!(
                        "{} does not start like a video this SDK recognises (MP4, MOV, WebM, \
                         Matroska, AVI); for another format such as WMV, FLV or MPEG-PS, set \
                         its type with content_type",
                        self.path.display()
                    ),
                ));
            }
            None => info.mime.essence_str().to_owned(),
        };
        validate_content_type(&content_type)?;
        if info.len > MAX_VIDEO_BYTES {
            return Err(Error::invalid_input(
                "media",
                format!("{} bytes; YouTube accepts at most 256 GiB", info.len),
            ));
        }
        let file = FileIdentity::read(&self.path).await?;

        let mut stats = UploadStats::default();
        let uri = create_session(
            &self.client,
            &self.metadata,
            &file,
            &content_type,
            &mut stats,
        )
        .await?;
        let session = UploadSession {
            session_uri: uri,
            file,
            content_type,
            offset: 0,
            chunk_size,
            metadata: self.metadata,
            sessions_started: 1,
        };
        let mut upload = ResumableUpload::new(self.client, session, stats, false);
        upload.progress = self.progress;
        upload.on_session = self.on_session;
        upload.notify_session();
        Ok(upload)
    }

    /// Starts the session and uploads the whole file.
    pub async fn send(self) -> Result<UploadedVideo> {
        let mut upload = self.begin().await?;
        upload.finish().await
    }
}

fn validate_content_type(content_type: &str) -> Result<()> {
    let parsed: mime::Mime = content_type.parse().map_err(|_| {
        Error::invalid_input(
            "content_type",
            format!("`{content_type}` is not a media type"),
        )
    })?;
    if parsed.type_() == mime::VIDEO || parsed.essence_str() == "application/octet-stream" {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "content_type",
            format!("`{content_type}`: YouTube accepts video/* or application/octet-stream"),
        ))
    }
}

pub(crate) async fn check_identity(saved: &FileIdentity) -> Result<()> {
    let now = FileIdentity::read(&saved.path).await?;
    if now.len != saved.len || now.modified_unix_nanos != saved.modified_unix_nanos {
        return Err(Error::invalid_input(
            "media",
            format!(
                "{} changed since the upload started (size or modification time); \
                 start a new upload instead of resuming",
                saved.path.display()
            ),
        ));
    }
    Ok(())
}

/// Sends the session-starting `POST` and returns the session URI.
pub(crate) async fn create_session(
    client: &Client,
    metadata: &VideoMetadata,
    file: &FileIdentity,
    content_type: &str,
    stats: &mut UploadStats,
) -> Result<SessionUri> {
    let mut query = vec![("uploadType", "resumable"), ("part", "snippet,status")];
    if let Some(notify) = metadata.notify_subscribers_flag() {
        query.push(("notifySubscribers", if notify { "true" } else { "false" }));
    }
    let url = client.upload_url("videos", &query)?;
    let body = serde_json::to_vec(&metadata.to_resource())
        .map_err(|e| Error::invalid_input("metadata", e.to_string()))?;

    // No video exists until bytes arrive, so starting a session is safe to repeat.
    let spec = RequestSpec::idempotent("videos.insert").quota("videos.insert");
    let total = file.len.to_string();
    let requests = std::sync::atomic::AtomicU32::new(0);

    let response = with_token_refresh(client.inner.tokens.as_ref(), |token: Secret| {
        let (spec, url, body, total, requests) = (&spec, &url, &body, &total, &requests);
        async move {
            let authorization = bearer(&token)?;
            client
                .inner
                .http
                .execute(spec, |http| {
                    requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Ok(http
                        .post(url.clone())
                        .header(reqwest::header::AUTHORIZATION, authorization.clone())
                        .header(
                            reqwest::header::CONTENT_TYPE,
                            "application/json; charset=UTF-8",
                        )
                        .header("X-Upload-Content-Length", total.as_str())
                        .header("X-Upload-Content-Type", content_type)
                        .body(body.clone()))
                })
                .await
        }
    })
    .await;
    stats.requests += requests.into_inner();
    let response = response?;
    stats.sessions_started += 1;
    read_session_uri(&response, &url)
}

/// Reads the session URI from the `Location` header of a session start.
fn read_session_uri(response: &Response, request_url: &url::Url) -> Result<SessionUri> {
    let status = response.status();
    if status != StatusCode::OK && status != StatusCode::CREATED {
        let detail = format!(
            "the session start returned HTTP {}, not 200",
            status.as_u16()
        );
        return Err(response
            .unexpected(UnexpectedBody::UnexpectedStatus, detail)
            .into());
    }
    let Some(location) = response.header("location") else {
        let detail = "the session start returned no Location header";
        return Err(response
            .unexpected(UnexpectedBody::MissingField, detail)
            .into());
    };
    let Ok(resolved) = request_url.join(location) else {
        let detail = "the Location header is not a URL";
        return Err(response
            .unexpected(UnexpectedBody::MissingField, detail)
            .into());
    };
    SessionUri::from_url(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_size_must_be_a_multiple_of_256_kib() {
        assert!(validate_chunk_size(CHUNK_GRANULE).is_ok());
        assert!(validate_chunk_size(DEFAULT_CHUNK_SIZE).is_ok());
        assert!(validate_chunk_size(0).is_err());
        assert!(validate_chunk_size(CHUNK_GRANULE + 1).is_err());
        assert!(validate_chunk_size(100_000).is_err());
    }

    #[test]
    fn content_types() {
        assert!(validate_content_type("video/mp4").is_ok());
        assert!(validate_content_type("video/quicktime").is_ok());
        assert!(validate_content_type("application/octet-stream").is_ok());
        assert!(validate_content_type("image/jpeg").is_err());
        assert!(validate_content_type("not a type").is_err());
    }
}
