//! Graph API plumbing shared by every Meta SDK of this workspace: the Pages
//! client of this crate and `instagram-sdk` both send their calls through it.
//!
//! # Public API at a glance
//!
//! | item | what it is |
//! | --- | --- |
//! | [`GraphConfig`] | API version (default [`DEFAULT_API_VERSION`]), the three hosts (Graph, graph-video, rupload), platform name for errors, app secret for `appsecret_proof`, [`HttpSettings`](social_core::HttpSettings), [`RetryPolicy`](social_core::RetryPolicy), [`Timer`](social_core::Timer) |
//! | [`GraphClient`] | built from a config; [`GraphClient::send`] and [`GraphClient::send_json`] run a [`GraphRequest`] through `social_core::HttpClient` (retries, timeouts, classification) |
//! | [`GraphRequest`] | one call: method, [`Host`] and path (or a checked absolute URL), token, query, form / JSON / multipart / raw file-slice body, extra headers, and the [`RequestSpec`](social_core::RequestSpec) saying whether it creates something |
//! | [`AuthScheme`] | `Authorization: Bearer` (Graph calls) or `Authorization: OAuth` (rupload and `upload:` sessions) |
//! | [`GraphProtocol`] | the `ApiProtocol` for Graph responses: errors by `code` and `error_subcode`, usage headers, `fbtrace_id`; [`GraphProtocol::with_rule`] adds platform-specific codes |
//! | [`GraphErrorDetails`] | the raw Graph error fields (`message`, `type`, `code`, `error_subcode`, `error_data`, ...) read back from an [`ApiError`](social_core::ApiError) |
//! | [`usage`] | `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage` parsed into [`RateLimit`](social_core::RateLimit)s |
//! | [`appsecret_proof`] | the HMAC-SHA256 proof, plain and time-stamped |
//! | [`ids`] | serde helpers that read ids and offsets sent as numbers or strings, exactly |
//! | [`poll`] | a generic "check, wait, check again until a deadline" loop with [`PollStatus`] |
//! | [`token`] | `debug_token` ([`TokenInfo`]) and the long-lived user token exchange |
//! | [`Paged`] | a `{"data": [...], "paging": {...}}` list page with its `after` cursor |
//!
//! # What every call gets
//!
//! - The token travels in the `Authorization` header, never in a URL, a log
//!   line or an error message.
//! - With an app secret configured, each attempt carries a fresh
//!   `appsecret_proof` computed from the token it sends, with `appsecret_time`.
//! - A JSON body with an `error` object is an error whatever the HTTP status,
//!   and HTML or text bodies become [`UnexpectedResponse`](social_core::UnexpectedResponse)
//!   before any JSON decoding.
//! - Throttling codes wait for the usage headers' `estimated_time_to_regain_access`
//!   and token errors (code 190) are never retried or refreshed.
//!
//! # Example
//!
//! ```
//! use facebook_sdk::graph::{GraphClient, GraphConfig, GraphRequest};
//! use social_core::{Platform, RequestSpec, Secret};
//!
//! # fn main() -> Result<(), social_core::Error> {
//! let config = GraphConfig::new(Platform::Instagram)
//!     .graph_url("https://graph.instagram.com")
//!     .api_version("v26.0")
//!     .user_agent("instagram-sdk/0.1.0");
//! let client = GraphClient::new(config)?;
//!
//! let token = Secret::new("IGAA-example");
//! let request = GraphRequest::get(RequestSpec::idempotent("read_account"), "me")
//!     .query("fields", "user_id,username")
//!     .token(&token);
//! # let _ = (client, request);
//! # Ok(())
//! # }
//! ```

mod client;
mod config;
mod error_details;
pub mod ids;
mod paging;
pub mod poll;
mod proof;
mod protocol;
mod request;
pub mod token;
pub mod usage;

pub use client::GraphClient;
pub use config::{
    DEFAULT_API_VERSION, FACEBOOK_GRAPH_URL, FACEBOOK_VIDEO_URL, GraphConfig, INSTAGRAM_GRAPH_URL,
    RUPLOAD_URL,
};
pub use error_details::GraphErrorDetails;
pub use paging::Paged;
pub use poll::{PollStatus, poll_until};
pub use proof::appsecret_proof;
pub use protocol::{Classification, GraphProtocol, POLICY_BLOCK_MIN_WAIT, THROTTLE_MIN_WAIT};
pub use request::{AuthScheme, GraphRequest, Host};
pub use token::{GranularScope, TokenInfo, TokenType};
