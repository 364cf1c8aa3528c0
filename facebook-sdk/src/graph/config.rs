//! Settings a [`GraphClient`](super::GraphClient) is built from.

use std::fmt;
use std::sync::Arc;

use social_core::{HttpSettings, Platform, QuotaLimiter, RetryPolicy, Secret, Timer, TokioTimer};

/// The Graph API version sent when none is configured. v26.0 was released on
/// 2026-07-29 and stays callable for at least two years after release.
pub const DEFAULT_API_VERSION: &str = "v26.0";

/// The Graph host for calls with Facebook Login tokens.
pub const FACEBOOK_GRAPH_URL: &str = "https://graph.facebook.com/";

/// The host Page video uploads are sent to.
pub const FACEBOOK_VIDEO_URL: &str = "https://graph-video.facebook.com/";

/// The binary upload host for Reels, video stories and Instagram resumable uploads.
pub const RUPLOAD_URL: &str = "https://rupload.facebook.com/";

/// The Graph host for Instagram API calls made with Instagram Login tokens.
pub const INSTAGRAM_GRAPH_URL: &str = "https://graph.instagram.com/";

/// Everything a [`GraphClient`](super::GraphClient) is built from.
///
/// The setters never fail. [`GraphClient::new`](super::GraphClient::new)
/// checks the version and the URLs and returns `InvalidInput` naming the
/// setting that is wrong.
#[derive(Clone)]
pub struct GraphConfig {
    pub(crate) platform: Platform,
    pub(crate) version: String,
    pub(crate) graph_url: String,
    pub(crate) video_url: String,
    pub(crate) rupload_url: String,
    pub(crate) app_secret: Option<Secret>,
    pub(crate) http: HttpSettings,
    pub(crate) retry: RetryPolicy,
    pub(crate) timer: Arc<dyn Timer>,
    pub(crate) limiter: Option<QuotaLimiter>,
    pub(crate) user_agent: String,
}

impl fmt::Debug for GraphConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphConfig")
            .field("platform", &self.platform)
            .field("version", &self.version)
            .field("graph_url", &self.graph_url)
            .field("video_url", &self.video_url)
            .field("rupload_url", &self.rupload_url)
            .field(
                "app_secret",
                &self.app_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("http", &self.http)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig::new(Platform::Facebook)
    }
}

impl GraphConfig {
    /// Starts a config whose errors name `platform`, with the Facebook hosts,
    /// [`DEFAULT_API_VERSION`], default HTTP settings and retries, the real
    /// clock and the user agent `facebook-sdk/<version>`.
    pub fn new(platform: Platform) -> GraphConfig {
        GraphConfig {
            platform,
            version: DEFAULT_API_VERSION.to_owned(),
            graph_url: FACEBOOK_GRAPH_URL.to_owned(),
            video_url: FACEBOOK_VIDEO_URL.to_owned(),
            rupload_url: RUPLOAD_URL.to_owned(),
            app_secret: None,
            http: HttpSettings::default(),
            retry: RetryPolicy::default(),
            timer: Arc::new(TokioTimer),
            limiter: None,
            user_agent: concat!("facebook-sdk/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// Sets the API version, such as `v26.0`. Default [`DEFAULT_API_VERSION`].
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Sets the Graph host. Default [`FACEBOOK_GRAPH_URL`]; Instagram Login
    /// clients use [`INSTAGRAM_GRAPH_URL`]. It must be `https` unless it is
    /// a loopback address.
    pub fn graph_url(mut self, url: impl Into<String>) -> Self {
        self.graph_url = url.into();
        self
    }

    /// Sets the video upload host. Default [`FACEBOOK_VIDEO_URL`].
    pub fn video_url(mut self, url: impl Into<String>) -> Self {
        self.video_url = url.into();
        self
    }

    /// Sets the binary upload host. Default [`RUPLOAD_URL`].
    pub fn rupload_url(mut self, url: impl Into<String>) -> Self {
        self.rupload_url = url.into();
        self
    }

    /// Sets the app secret; every call then carries `appsecret_proof` and
    /// `appsecret_time` computed from the token it sends.
    pub fn app_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.app_secret = Some(secret.into());
        self
    }

    /// Sets timeouts, proxy and root certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.http = settings;
        self
    }

    /// Sets the retry limits.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the clock and sleep used by retries, polling and `appsecret_time`
    /// (tests inject `ManualTimer`).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// Sets a client-side limiter for quotas the platform documents.
    pub fn quota_limiter(mut self, limiter: QuotaLimiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Sets the default user agent, `<crate>/<version>` of the SDK using this module.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Returns the platform named in errors.
    pub fn platform(&self) -> Platform {
        self.platform
    }
}

/// Checks the `vMAJOR.MINOR` form of an API version.
pub(crate) fn check_version(version: &str) -> social_core::Result<()> {
    let valid = version
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        });
    if valid {
        Ok(())
    } else {
        Err(social_core::Error::invalid_input(
            "api_version",
            format!("`{version}` is not a Graph API version; use the form v26.0"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_form_checked() {
        for good in ["v26.0", "v3.3", "v100.0"] {
            assert!(check_version(good).is_ok(), "{good}");
        }
        for bad in ["26.0", "v26", "v.0", "v26.x", "", "v26.0/"] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_app_secret() {
        let config = GraphConfig::default().app_secret("app-secret-value");

        let debug = format!("{config:?}");

        assert!(!debug.contains("app-secret-value"));
        assert!(debug.contains("[redacted]"));
    }
}
