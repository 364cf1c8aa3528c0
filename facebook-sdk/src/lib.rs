//! Facebook Page publishing through the Graph API: feed posts, photos,
//! multi-photo posts, videos (chunked, resumable and Reels), token checks.
//!
//! - [`Client`] needs a `page_id` and a Page token, or a user token from
//!   which it fetches the Page token. A missing or malformed setting is an
//!   `InvalidInput` naming the field, returned before any request.
//! - Errors are classified by Graph `code` and `error_subcode`, never by the
//!   HTTP status or the translated message: token errors (190) are
//!   `InvalidToken` and never retried, throttling waits for the usage
//!   headers, HTML error pages are `UnexpectedResponse` even with status 200.
//! - Publishing calls are never repeated after they may have reached Graph;
//!   reads, chunk transfers and unpublished uploads are retried.
//! - [`Client::verify`] inspects the token and lists what is wrong with it.
//! - The [`graph`] module is the reusable Graph plumbing (`instagram-sdk`
//!   builds on it).
//!
//! # Example
//!
//! ```no_run
//! use facebook_sdk::{Client, FeedPost, Photo, VideoDetails, VideoUpload};
//! use social_core::MediaSource;
//!
//! # async fn run() -> Result<(), social_core::Error> {
//! let client = Client::builder()
//!     .page_id("1234567890")
//!     .page_token("EAAB...")
//!     .build()?;
//!
//! let report = client.verify().await?;
//! if !report.is_ready() {
//!     eprintln!("token problem: {report}");
//! }
//!
//! let post = client.publish_post(&FeedPost::text("Hello from Rust")).await?;
//! let photo = client.publish_photo(&Photo::file("photo.jpg").caption("A photo")).await?;
//! let video = client
//!     .upload_video(&VideoUpload::new(MediaSource::file("clip.mp4"))
//!         .details(VideoDetails::new().title("Clip")))
//!     .await?;
//! println!("{} {} {}", post.id, photo.id, video.video_id);
//! # Ok(())
//! # }
//! ```
//!
//! A missing `page_id` is caught before anything is sent:
//!
//! ```
//! let error = facebook_sdk::Client::builder()
//!     .page_token("EAAB...")
//!     .build()
//!     .unwrap_err();
//!
//! assert!(error.to_string().contains("page_id"));
//! ```
//!
//! # Features
//!
//! - `rustls` (default) or `native-tls`: the TLS stack.
//! - `testing`: [`testing::FakeGraph`], a wiremock fake of the Graph API for Pages.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod auth;
mod client;
pub mod graph;
mod model;
mod photos;
mod posts;
mod verify;
mod video;

#[cfg(feature = "testing")]
pub mod testing;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_PHOTO_BYTES};
pub use model::{ManagedPage, PhotoCreated, Post, PostCreated};
pub use photos::Photo;
pub use posts::{FeedPost, MAX_SCHEDULE_AHEAD, MIN_SCHEDULE_AHEAD};
pub use verify::{PUBLISH_SCOPES, SHORT_LIVED_WITHIN, TokenProblem, Verification};
pub use video::{
    PhaseError, ReelState, ReelUpload, VideoDetails, VideoPhase, VideoPublished, VideoSession,
    VideoStatus, VideoUpload,
};
