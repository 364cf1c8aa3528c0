//! A client for TikTok's Content Posting API: direct video posts, inbox
//! (draft) uploads, photo posts, chunked uploads from disk and status
//! polling, on the shared plumbing of [`social_core`].
//!
//! What it takes care of:
//!
//! - **Envelope.** A call succeeded only when `error.code` is `"ok"`,
//!   whatever the HTTP status. TikTok's codes map onto
//!   [`ErrorKind`](social_core::ErrorKind), and `log_id` becomes the
//!   request id. See [`error`].
//! - **Creator info first.** Each direct post queries the creator's options
//!   and checks the privacy level, the interaction switches and (when given)
//!   the duration before any upload byte is sent.
//! - **No double posts.** Init calls create the post, so they are retried
//!   only after a 429 or when the connection never opened. Status requests
//!   and chunk uploads are retried with backoff.
//! - **Exact chunk plans** by TikTok's floor rule, with limits that hold
//!   whichever way its "MB" is read. See [`chunk`].
//! - **Transfer** from disk in order, resuming from TikTok's
//!   `Content-Range`. An expired upload URL gives an error naming that cause.
//! - **Patient polling** with a 30-minute default deadline. A timeout keeps
//!   the publish id, and [`Client::wait_for_publish`] resumes from it.
//! - **Tokens** refreshed once at a time, rotated refresh tokens handed to
//!   the application first. See [`auth`].
//! - **Per-token limits** kept by a client-side limiter. See [`rate_limit`].
//!
//! # Example
//!
//! ```no_run
//! use social_core::MediaSource;
//! use tiktok_sdk::{Client, PostInfo, PrivacyLevel};
//!
//! # async fn run() -> social_core::Result<()> {
//! let client = Client::builder().access_token("act.example").build()?;
//!
//! let creator = client.creator_info().await?;
//! let post = PostInfo::new(PrivacyLevel::SelfOnly).title("Morning run #running");
//! let outcome = client
//!     .direct_post(MediaSource::file("run.mp4"), post)
//!     .creator_info(creator)
//!     .send()
//!     .await?;
//!
//! println!("published {} ({:?})", outcome.publish_id, outcome.post_id());
//! # Ok(())
//! # }
//! ```
//!
//! Chunk planning is a pure function:
//!
//! ```
//! let plan = tiktok_sdk::chunk::plan_chunks(50_000_123, 10_000_000)?;
//!
//! assert_eq!(plan.count(), 5);
//! assert_eq!(plan.chunk(4).map(|c| c.len), Some(10_000_123));
//! # Ok::<(), social_core::Error>(())
//! ```
//!
//! # Features
//!
//! - `rustls` (default) or `native-tls`: the TLS stack.
//! - `testing`: `testing::FakeTikTok`, a wiremock fake of the API for
//!   tests and the workspace demo.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod auth;
pub mod chunk;
mod client;
mod creator;
pub mod error;
pub mod model;
mod photo;
mod post;
mod post_info;
pub mod rate_limit;
mod status;
mod transfer;
mod video;

#[cfg(feature = "testing")]
pub mod testing;

pub use client::{Client, ClientBuilder, DEFAULT_API_VERSION, DEFAULT_BASE_URL};
pub use model::{CreatorInfo, PostStatus, PrivacyLevel, PublishOutcome, PublishStatus};
pub use photo::{
    MAX_PHOTO_DESCRIPTION_UTF16, MAX_PHOTO_TITLE_UTF16, MAX_PHOTOS, PhotoPost, PhotoRequest,
};
pub use post::{DirectPost, InboxUpload, StartedPost};
pub use post_info::{MAX_TITLE_UTF16, PostInfo};
pub use status::{MIN_POLL_INTERVAL, explain_fail_reason};
pub use transfer::{UPLOAD_URL_EXPIRED, UPLOAD_URL_LIFETIME, UploadSession};
pub use video::{MAX_VIDEO_SIZE, VIDEO_TYPES};
