//! Shared plumbing for the social-platform SDKs of this workspace
//! (`twitter-sdk`, `youtube-sdk`, `tiktok-sdk`, `facebook-sdk`,
//! `instagram-sdk`).
//!
//! Applications rarely use this crate directly; they meet its [`Error`] type,
//! [`HttpSettings`], [`RetryPolicy`] and [`TokenSet`] through an SDK. What it
//! provides:
//!
//! - [`Error`] and [`ErrorKind`]: one error type for every platform, with the
//!   HTTP status, platform code, request id and retry hints;
//! - [`response::classify`]: status and content type are read before any
//!   JSON decoding, so an HTML error page never becomes a JSON parse error;
//! - [`RetryPolicy`]: exponential backoff with full jitter, `Retry-After`
//!   honoured, and creating requests never repeated when they may have
//!   arrived;
//! - [`HttpClient`]: the executor that ties these together;
//! - [`auth`]: token providers with single-flight refresh;
//! - [`media`], [`upload`] and [`multipart`]: media sources, chunk plans and
//!   bodies streamed from disk with an exact length.
//!
//! # Example
//!
//! Deciding whether a failed call may be retried:
//!
//! ```
//! use std::time::Duration;
//! use social_core::{ApiError, Error, ErrorKind, Idempotency, Platform, RetryDecision, RetryPolicy};
//!
//! let error: Error = ApiError::new(Platform::X, ErrorKind::RateLimited, "Too Many Requests")
//!     .with_status(social_core::http::StatusCode::TOO_MANY_REQUESTS)
//!     .with_retry_after(Some(Duration::from_secs(5)))
//!     .into();
//!
//! let decision = RetryPolicy::default().decide(Idempotency::Creating, 1, Duration::ZERO, &error, 0.5);
//! assert!(matches!(decision, RetryDecision::Retry { delay, .. } if delay == Duration::from_secs(5)));
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod auth;
pub mod client;
pub mod error;
pub mod media;
pub mod multipart;
pub mod rate_limit;
pub mod response;
pub mod retry;
pub mod secret;
pub mod settings;
pub mod text;
pub mod time;
pub mod upload;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use auth::{RefreshGrant, RefreshingTokenProvider, StaticToken, TokenProvider, TokenSet};
pub use client::{HttpClient, HttpClientConfig, RequestSpec};
pub use error::{
    ApiError, AuthError, Delivery, Error, ErrorKind, Platform, ProcessingError, Result,
    TimeoutError, UnexpectedBody, UnexpectedResponse,
};
pub use media::{MediaInfo, MediaSource};
pub use rate_limit::{Quota, QuotaLimiter, RateLimit};
pub use response::{ApiProtocol, Response};
pub use retry::{Idempotency, RetryDecision, RetryPolicy};
pub use secret::Secret;
pub use settings::{HttpSettings, ProxySetting, parse_base_url};
pub use time::{Timer, TokioTimer};
pub use upload::{Chunk, ChunkPlan, PollSettings, ProgressCallback, UploadProgress};

/// Re-exported so SDKs and their users name the same versions.
pub use http;
pub use reqwest;
pub use url;
