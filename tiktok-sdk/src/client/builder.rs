//! [`ClientBuilder`]: credentials, hosts, HTTP settings, retries, clock,
//! polling and the client-side limiter.

use std::fmt;
use std::sync::Arc;

use social_core::client::HttpClientConfig;
use social_core::{
    Error, HttpClient, HttpSettings, Platform, PollSettings, QuotaLimiter, Result, RetryPolicy,
    Secret, StaticToken, Timer, TokenProvider, TokioTimer, parse_base_url,
};

use super::{Client, DEFAULT_API_VERSION, DEFAULT_BASE_URL, Inner};
use crate::error::TikTokProtocol;
use crate::rate_limit::documented_quotas;

const USER_AGENT: &str = concat!("tiktok-sdk/", env!("CARGO_PKG_VERSION"));

/// Builds a [`Client`].
pub struct ClientBuilder {
    token: Option<Secret>,
    provider: Option<Arc<dyn TokenProvider>>,
    base_url: String,
    api_version: String,
    settings: HttpSettings,
    retry: RetryPolicy,
    timer: Arc<dyn Timer>,
    poll: PollSettings,
    limited: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            provider: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            settings: HttpSettings::default(),
            retry: RetryPolicy::default(),
            timer: Arc::new(TokioTimer),
            poll: PollSettings::default(),
            limited: true,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("settings", &self.settings)
            .field("retry", &self.retry)
            .field("poll", &self.poll)
            .field("client_side_limits", &self.limited)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Uses a fixed user access token (`act.…`) that is never refreshed.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Uses a token provider, such as the refreshing one from
    /// [`OAuthClient::token_provider`](crate::auth::OAuthClient::token_provider).
    /// It wins over [`ClientBuilder::access_token`].
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Sets the API host. Default `https://open.tiktokapis.com/`. Plain
    /// `http` is accepted only on loopback hosts, for local fakes.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the API version in every path. Default `v2`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Sets timeouts, proxy and root certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the retry limits. Default: [`RetryPolicy::default`].
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the clock and sleep. Tests pass a manual clock.
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// Sets how status polling waits. Default: 2 s doubling to 60 s, with a
    /// 30-minute deadline. Waits shorter than 2 s are raised to 2 s, so one
    /// poller stays within TikTok's 30 status requests a minute.
    pub fn poll_settings(mut self, poll: PollSettings) -> Self {
        self.poll = poll;
        self
    }

    /// Turns the client-side limiter for TikTok's per-token limits on or
    /// off. Default on, see [`crate::rate_limit`].
    pub fn client_side_limits(mut self, enabled: bool) -> Self {
        self.limited = enabled;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let base_url = parse_base_url("base_url", &self.base_url)?;
        check_api_version(&self.api_version)?;
        let tokens = token_provider(self.provider, self.token)?;

        let limiter = self.limited.then(|| {
            let quotas = documented_quotas()
                .into_iter()
                .map(|(key, quota)| (key.to_owned(), quota));
            QuotaLimiter::new(quotas, self.timer.clone())
        });
        let mut config = HttpClientConfig::new(USER_AGENT);
        config.settings = self.settings;
        config.retry = self.retry;
        config.timer = self.timer;
        // TikTok documents no per-token limit for chunk PUTs to the upload
        // host, so only the API client gets the limiter.
        let upload = HttpClient::new(config.clone(), Arc::new(TikTokProtocol::upload()))?;
        config.limiter = limiter;
        let api = HttpClient::new(config, Arc::new(TikTokProtocol::api()))?;

        Ok(Client {
            inner: Arc::new(Inner {
                api,
                upload,
                base_url,
                api_version: self.api_version,
                tokens,
                poll: self.poll,
                limited: self.limited,
            }),
        })
    }
}

fn token_provider(
    provider: Option<Arc<dyn TokenProvider>>,
    token: Option<Secret>,
) -> Result<Arc<dyn TokenProvider>> {
    match (provider, token) {
        (Some(provider), _) => Ok(provider),
        (None, Some(token)) => Ok(Arc::new(StaticToken::new(Platform::TikTok, token)?)),
        (None, None) => Err(Error::invalid_input(
            "access_token",
            "missing; call access_token or token_provider on the builder",
        )),
    }
}

fn check_api_version(version: &str) -> Result<()> {
    // A version of dots only (`.` or `..`) would move the paths out of the
    // versioned tree when joined to the base URL.
    let valid = version.chars().any(|c| c.is_ascii_alphanumeric())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.');
    if valid {
        return Ok(());
    }
    Err(Error::invalid_input(
        "api_version",
        format!("`{version}` is not a version such as `v2`; use letters, digits and dots only"),
    ))
}
