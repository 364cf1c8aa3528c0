//! A client for the YouTube Data API v3, built around a resumable video
//! upload that survives what long uploads over home connections meet:
//! dropped connections, 5xx answers, a `308` without `Range`, an access
//! token that expires mid-upload, an expired session, and a restart of
//! the process.
//!
//! - [`Client::upload_video`]: `videos.insert` as a resumable upload,
//!   chunked (8 MiB by default, a multiple of 256 KiB) and streamed from
//!   disk, with progress and a serializable [`UploadSession`];
//! - [`Client::get_video`], [`Client::list_videos`],
//!   [`Client::edit_video`] / [`Client::update_video`],
//!   [`Client::delete_video`], [`Client::wait_for_processing`];
//! - [`Client::set_thumbnail`] and [`Client::insert_playlist_item`];
//! - [`GoogleRefreshGrant`]: the refresh-token grant against Google's token
//!   endpoint, single-flight through [`social_core::RefreshingTokenProvider`];
//!   with feature `yup-oauth2`, an adapter for yup-oauth2 authenticators.
//!
//! Errors are [`social_core::Error`], classified by YouTube's
//! `errors[0].reason`: `quotaExceeded` and `uploadLimitExceeded` are
//! [`ErrorKind::QuotaExceeded`](social_core::ErrorKind::QuotaExceeded) and
//! never retried; `rateLimitExceeded` and `backendError` are retried with
//! backoff; only `authError` (or a bare 401) triggers a token refresh.
//!
//! # Example
//!
//! ```no_run
//! use youtube_sdk::{Client, PrivacyStatus, VideoMetadata};
//! use social_core::ProgressCallback;
//!
//! # async fn run() -> social_core::Result<()> {
//! let client = Client::builder()
//!     .oauth_client("1234.apps.googleusercontent.com", "GOCSPX-…")
//!     .refresh_token("1//0g…")
//!     .on_token_refresh(|tokens| { /* persist tokens */ })
//!     .build()?;
//!
//! let metadata = VideoMetadata::new("Launch video")
//!     .description("Filmed on the first day.")
//!     .tags(["launch", "demo"])
//!     .privacy(PrivacyStatus::Unlisted)
//!     .made_for_kids(false);
//!
//! let mut upload = client
//!     .upload_video(metadata, "launch.mp4")
//!     .on_progress(ProgressCallback::new(|p| println!("{:.0}%", p.fraction() * 100.0)))
//!     .on_session_change(|session| {
//!         // Persist the session to resume after a restart.
//!         let _ = std::fs::write("upload-session.json", session.to_json());
//!     })
//!     .begin()
//!     .await?;
//! let video = upload.finish().await?;
//! println!("{} ({})", video.id(), video.privacy_summary());
//! # Ok(())
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod auth;
mod client;
pub mod error;
pub mod metadata;
pub mod model;
mod playlists;
pub mod quota;
mod thumbnails;
pub mod upload;
pub mod videos;

#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{GoogleRefreshGrant, GoogleTokenProvider, google_token_provider};
pub use client::{
    Client, ClientBuilder, DEFAULT_API_VERSION, DEFAULT_ROOT_URL, DEFAULT_THUMBNAIL_LIMIT,
};
pub use error::{YouTubeProtocol, next_quota_reset};
pub use metadata::VideoMetadata;
pub use model::{PlaylistItem, PrivacyStatus, ThumbnailSetResponse, Video, VideoStatistics};
pub use upload::{
    ResumableUpload, SessionUri, UploadSession, UploadStats, UploadedVideo, VideoInsert,
};
pub use videos::VideoEdit;

/// `youtube-sdk/<version>`, the default user agent.
pub(crate) const USER_AGENT: &str = concat!("youtube-sdk/", env!("CARGO_PKG_VERSION"));
