//! TikTok's documented per-token request limits, kept on the client side.
//!
//! TikTok sends no rate-limit headers. It returns `rate_limit_exceeded`
//! (HTTP 429) once a user token passes a limit. The client's
//! [`QuotaLimiter`](social_core::QuotaLimiter) delays calls so these limits
//! are never passed by one client. It is on by default; turn it off with
//! [`ClientBuilder::client_side_limits`](crate::ClientBuilder::client_side_limits)
//! when several processes share a token and keep their own count.

use std::time::Duration;

use social_core::Quota;

/// Limiter key of the creator info query: 20 requests a minute per token.
pub const CREATOR_INFO: &str = "creator_info";
/// Limiter key of the direct-post video init: 6 requests a minute per token.
pub const VIDEO_INIT: &str = "video_init";
/// Limiter key of the inbox video init: 6 requests a minute per token.
pub const INBOX_INIT: &str = "inbox_init";
/// Limiter key of the photo (content) init: 6 requests a minute per token.
pub const CONTENT_INIT: &str = "content_init";
/// Limiter key of the status fetch: 30 requests a minute per token.
pub const STATUS: &str = "status";

/// Returns the documented limits, keyed as above.
///
/// Each init endpoint has its own limit of 6 a minute, as TikTok documents
/// each one separately.
pub fn documented_quotas() -> Vec<(&'static str, Quota)> {
    let minute = Duration::from_secs(60);
    vec![
        (CREATOR_INFO, Quota::new(20, minute)),
        (VIDEO_INIT, Quota::new(6, minute)),
        (INBOX_INIT, Quota::new(6, minute)),
        (CONTENT_INIT, Quota::new(6, minute)),
        (STATUS, Quota::new(30, minute)),
    ]
}
