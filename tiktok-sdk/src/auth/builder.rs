//! [`OAuthClientBuilder`]: app credentials, token endpoint and HTTP settings.

use std::fmt;
use std::sync::Arc;

use social_core::client::HttpClientConfig;
use social_core::{
    Error, HttpClient, HttpSettings, Result, RetryPolicy, Secret, Timer, TokioTimer, parse_base_url,
};

use super::{Inner, OAuthClient};
use crate::error::TikTokProtocol;

const USER_AGENT: &str = concat!("tiktok-sdk/", env!("CARGO_PKG_VERSION"));

/// Checks the token URL like a base URL (https off loopback, no user name,
/// query or fragment) but keeps its path as given: `parse_base_url` would
/// append a slash, and `/oauth/token` and `/oauth/token/` are different
/// endpoints.
fn parse_token_url(value: &str) -> Result<url::Url> {
    let checked = parse_base_url("token_url", value)?;
    match url::Url::parse(value.trim()) {
        Ok(exact) if exact.path() != "/" => Ok(exact),
        _ => Ok(checked),
    }
}

/// Builds an [`OAuthClient`].
pub struct OAuthClientBuilder {
    client_key: String,
    client_secret: Secret,
    token_url: String,
    settings: HttpSettings,
    retry: RetryPolicy,
    timer: Arc<dyn Timer>,
}

impl fmt::Debug for OAuthClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientBuilder")
            .field("client_key", &self.client_key)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl OAuthClientBuilder {
    pub(super) fn new(client_key: String, client_secret: Secret) -> OAuthClientBuilder {
        OAuthClientBuilder {
            client_key,
            client_secret,
            token_url: super::DEFAULT_TOKEN_URL.to_owned(),
            settings: HttpSettings::default(),
            retry: RetryPolicy::default(),
            timer: Arc::new(TokioTimer),
        }
    }

    /// Sets the token endpoint. Default `https://open.tiktokapis.com/v2/oauth/token/`.
    /// Plain `http` is accepted only on loopback hosts, for local fakes.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Sets timeouts, proxy and root certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the retry limits.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the clock, used for expiry times and retries.
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<OAuthClient> {
        if self.client_key.trim().is_empty() {
            return Err(Error::invalid_input(
                "client_key",
                "empty; copy it from the TikTok developer portal",
            ));
        }
        if self.client_secret.is_blank() {
            return Err(Error::invalid_input(
                "client_secret",
                "empty; copy it from the TikTok developer portal",
            ));
        }
        let token_url = parse_token_url(&self.token_url)?;
        let mut config = HttpClientConfig::new(USER_AGENT);
        config.settings = self.settings;
        config.retry = self.retry;
        config.timer = self.timer;
        let http = HttpClient::new(config, Arc::new(TikTokProtocol::api()))?;
        Ok(OAuthClient {
            inner: Arc::new(Inner {
                client_key: self.client_key,
                client_secret: self.client_secret,
                token_url,
                http,
            }),
        })
    }
}
