//! A client for the X (formerly Twitter) API v2 that posts text, images and
//! videos without the usual production failures.
//!
//! - OAuth 1.0a user context signed by the `oauth1-request` crate (RFC 3986
//!   encoding, so `!`, `'`, `(`, `)`, `*` and emoji sign correctly), OAuth
//!   2.0 user tokens with PKCE, single-flight refresh and rotation, or an
//!   app-only bearer token for reads.
//! - Media upload through the v2 endpoints, streamed from disk in segments
//!   that are re-sent after a dropped connection, and processing polled with
//!   X's own `check_after_secs` up to a 30-minute deadline. A post is never
//!   created with media whose processing has not succeeded.
//! - Retries that never post twice: a 429 is retried after its reset time, a
//!   5xx on a read is retried with backoff, and a create that may have
//!   reached X returns [`social_core::Error`] with `Delivery::Unknown`.
//! - Errors mapped onto [`social_core::ErrorKind`] (`Duplicate`,
//!   `RateLimited`, `QuotaExceeded` for 402 billing, ...), with rate-limit
//!   headers parsed on every response.
//!
//! # Example
//!
//! ```no_run
//! use twitter_sdk::{Client, MediaUpload, NewPost, OAuth1Credentials};
//!
//! # async fn run() -> Result<(), social_core::Error> {
//! let credentials = OAuth1Credentials::new("consumer key", "consumer secret", "token", "token secret")?;
//! let client = Client::builder().oauth1(credentials).build()?;
//!
//! let video = client.upload_media(MediaUpload::file("clip.mp4")).await?;
//! let post = client.create_post(&NewPost::new("Launch day 🎉").media(&video)).await?;
//! println!("posted {}", post.id);
//! # Ok(())
//! # }
//! ```
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod auth;
mod client;
mod error;
pub mod media;
mod model;
mod posts;
mod validate;

#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{Auth, AuthorizationRequest, OAuth1Credentials, OAuth2App, XRefreshGrant};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CHUNK_SIZE, documented_quotas};
pub use error::XProtocol;
pub use media::{
    MediaCategory, MediaKind, MediaStatus, MediaUpload, PendingMedia, ProcessingState,
    UploadedMedia,
};
pub use model::{Post, User};
pub use posts::{NewPost, ReplySettings};
pub use validate::{PostLimits, weighted_length};

pub use social_core::{Error, ErrorKind, Result};
