//! Instagram Login tokens: the authorization code exchange, the long-lived
//! token exchange, and its refresh.
//!
//! - `POST api.instagram.com/oauth/access_token` turns a login `code` into a
//!   short-lived token (one hour) and the account's `user_id`.
//! - `GET graph.instagram.com/access_token?grant_type=ig_exchange_token`
//!   turns it into a long-lived token (60 days).
//! - `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token`
//!   renews a long-lived token that is valid and at least 24 hours old.
//!
//! These calls carry the app secret, so run them on a server.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use facebook_sdk::graph::{GraphClient, GraphConfig, GraphRequest, Host, INSTAGRAM_GRAPH_URL, ids};
use serde::Deserialize;
use serde_json::Value;
use social_core::{
    AuthError, Error, ErrorKind, HttpSettings, Platform, RefreshGrant, RequestSpec, Response,
    Result, RetryPolicy, Secret, Timer, TokenSet, UnexpectedBody,
};

use crate::error::instagram_protocol;

/// The host of the authorization code exchange.
pub const INSTAGRAM_OAUTH_URL: &str = "https://api.instagram.com/";

/// The minimum age of a long-lived token before Instagram refreshes it.
pub const MIN_REFRESH_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The token and account a login code was exchanged for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShortLivedToken {
    /// The short-lived Instagram user token (about one hour).
    pub access_token: Secret,
    /// The Instagram user id, exact even when sent as a number above 2^53.
    pub user_id: String,
    /// The permissions granted.
    pub permissions: Vec<String>,
}

/// A long-lived Instagram user token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LongLivedToken {
    /// The token.
    pub access_token: Secret,
    /// When it expires, from `expires_in`. `None` when not reported or
    /// beyond what `SystemTime` can hold.
    pub expires_at: Option<SystemTime>,
    /// When it was issued (the exchange or refresh time on the client's clock).
    pub issued_at: SystemTime,
}

impl LongLivedToken {
    /// Wraps a long-lived token issued at `issued_at`, such as one loaded
    /// from storage.
    pub fn new(access_token: impl Into<Secret>, issued_at: SystemTime) -> LongLivedToken {
        LongLivedToken {
            access_token: access_token.into(),
            expires_at: None,
            issued_at,
        }
    }

    /// Sets when the token expires.
    pub fn with_expires_at(mut self, expires_at: SystemTime) -> LongLivedToken {
        self.expires_at = Some(expires_at);
        self
    }

    /// Returns the first moment Instagram accepts a refresh: 24 hours after issue.
    pub fn refreshable_at(&self) -> SystemTime {
        self.issued_at + MIN_REFRESH_AGE
    }

    /// Returns the token as a token set whose refresh token is the token
    /// itself, for a `RefreshingTokenProvider` over [`InstagramRefresh`].
    pub fn to_token_set(&self) -> TokenSet {
        let mut set =
            TokenSet::new(self.access_token.clone()).with_refresh_token(self.access_token.clone());
        set.expires_at = self.expires_at;
        set
    }
}

/// The Instagram Login token endpoints of one app.
#[derive(Clone)]
pub struct InstagramAuth {
    graph: GraphClient,
    oauth: GraphClient,
    app_id: String,
    app_secret: Secret,
}

impl fmt::Debug for InstagramAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstagramAuth")
            .field("app_id", &self.app_id)
            .field("app_secret", &"[redacted]")
            .field("graph", &self.graph)
            .field("oauth", &self.oauth)
            .finish()
    }
}

/// Builds an [`InstagramAuth`].
#[derive(Clone)]
pub struct InstagramAuthBuilder {
    app_id: Option<String>,
    app_secret: Option<Secret>,
    graph: GraphConfig,
    oauth: GraphConfig,
}

impl fmt::Debug for InstagramAuthBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstagramAuthBuilder")
            .field("app_id", &self.app_id)
            .field(
                "app_secret",
                &self.app_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("graph", &self.graph)
            .field("oauth", &self.oauth)
            .finish()
    }
}

impl InstagramAuth {
    /// Starts a builder with the Instagram hosts.
    pub fn builder() -> InstagramAuthBuilder {
        let config = |url: &str| {
            GraphConfig::new(Platform::Instagram)
                .graph_url(url)
                .user_agent(concat!("instagram-sdk/", env!("CARGO_PKG_VERSION")))
        };
        InstagramAuthBuilder {
            app_id: None,
            app_secret: None,
            graph: config(INSTAGRAM_GRAPH_URL),
            oauth: config(INSTAGRAM_OAUTH_URL),
        }
    }
}

impl InstagramAuthBuilder {
    /// Sets the Instagram app id. Required.
    pub fn app_id(mut self, id: impl Into<String>) -> Self {
        self.app_id = Some(id.into());
        self
    }

    /// Sets the Instagram app secret. Required.
    pub fn app_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.app_secret = Some(secret.into());
        self
    }

    /// Sets the host of `/access_token` and `/refresh_access_token`.
    /// Default `graph.instagram.com`.
    pub fn graph_url(mut self, url: impl Into<String>) -> Self {
        self.graph = self.graph.graph_url(url);
        self
    }

    /// Sets the host of the code exchange. Default [`INSTAGRAM_OAUTH_URL`].
    pub fn oauth_url(mut self, url: impl Into<String>) -> Self {
        self.oauth = self.oauth.graph_url(url);
        self
    }

    /// Sets timeouts, proxy and root certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.graph = self.graph.http_settings(settings.clone());
        self.oauth = self.oauth.http_settings(settings);
        self
    }

    /// Sets the retry limits.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.graph = self.graph.retry_policy(policy);
        self.oauth = self.oauth.retry_policy(policy);
        self
    }

    /// Sets the clock (tests inject `ManualTimer`); it also stamps `issued_at`.
    pub fn timer(mut self, timer: std::sync::Arc<dyn Timer>) -> Self {
        self.graph = self.graph.timer(timer.clone());
        self.oauth = self.oauth.timer(timer);
        self
    }

    /// Checks the settings and builds the client. No request is sent.
    pub fn build(self) -> Result<InstagramAuth> {
        let app_id = self
            .app_id
            .map(|id| id.trim().to_owned())
            .unwrap_or_default();
        if app_id.is_empty() || !app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_input(
                "app_id",
                "is missing or not numeric; copy the Instagram app id from the app dashboard",
            ));
        }
        let Some(app_secret) = self.app_secret.filter(|s| !s.is_blank()) else {
            return Err(Error::invalid_input(
                "app_secret",
                "is missing or empty; copy the Instagram app secret from the app dashboard",
            ));
        };
        Ok(InstagramAuth {
            graph: GraphClient::with_protocol(self.graph, instagram_protocol())?,
            oauth: GraphClient::with_protocol(self.oauth, instagram_protocol())?,
            app_id,
            app_secret,
        })
    }
}

#[derive(Deserialize)]
struct LongLivedBody {
    access_token: Secret,
    #[serde(default, deserialize_with = "ids::optional_u64_from_any")]
    expires_in: Option<u64>,
}

impl InstagramAuth {
    /// Exchanges the `code` from the login redirect for a short-lived token.
    /// `redirect_uri` must match the one the login used.
    ///
    /// A rejected code (used, expired, or for another redirect) is an `Auth`
    /// error asking to send the user through the login again.
    // NOTE: Meta documents a `{"data":[{...}]}` response with a string
    // `user_id`, while clients see a flat object with a numeric `user_id`
    // and `permissions` as a string or an array; every shape is accepted.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<ShortLivedToken> {
        if code.trim().is_empty() {
            return Err(Error::invalid_input(
                "code",
                "is empty; pass the code from the login redirect",
            ));
        }
        crate::validate::media_url("redirect_uri", redirect_uri)?;
        let url = self
            .oauth
            .host_path(Host::Graph, &["oauth", "access_token"])?;
        // Token responses are kept out of errors and logs when unusable.
        let spec = RequestSpec::idempotent("exchange_code").sensitive();
        let request = GraphRequest::post(spec, "")
            .at_url(url)
            .form("client_id", self.app_id.as_str())
            .form("client_secret", self.app_secret.expose())
            .form("grant_type", "authorization_code")
            .form("redirect_uri", redirect_uri)
            .form("code", code.trim())
            .without_appsecret_proof();
        let response = self.oauth.send(&request).await.map_err(|e| {
            rejected(
                e,
                "the login code was rejected; send the user through Instagram Login again",
            )
        })?;
        read_short_lived(&response)
    }

    /// Exchanges a short-lived token for a long-lived one (60 days).
    // NOTE: Instagram defines this call with the token and the app secret in
    // the query string; the URL is never logged and reqwest errors drop it.
    pub async fn exchange_long_lived(&self, short_lived: &Secret) -> Result<LongLivedToken> {
        if short_lived.is_blank() {
            return Err(Error::invalid_input(
                "access_token",
                "is empty; pass the short-lived token",
            ));
        }
        let url = self.graph.host_path(Host::Graph, &["access_token"])?;
        let spec = RequestSpec::idempotent("exchange_token").sensitive();
        let request = GraphRequest::get(spec, "")
            .at_url(url)
            .query("grant_type", "ig_exchange_token")
            .query("client_secret", self.app_secret.expose())
            .query("access_token", short_lived.expose())
            .without_appsecret_proof();
        let body: LongLivedBody = self.graph.send_json(&request).await.map_err(|e| {
            rejected(
                e,
                "the short-lived token was rejected; send the user through Instagram Login again",
            )
        })?;
        Ok(self.long_lived(body))
    }

    /// Refreshes a long-lived token, which must be valid and at least 24
    /// hours old. A younger token is rejected before any request.
    pub async fn refresh(&self, token: &LongLivedToken) -> Result<LongLivedToken> {
        let now = self.graph.timer().now();
        if now < token.refreshable_at() {
            let wait = token
                .refreshable_at()
                .duration_since(now)
                .unwrap_or_default();
            return Err(Error::invalid_input(
                "access_token",
                format!(
                    "was issued less than 24 hours ago; Instagram refreshes only older tokens, \
                     so refresh it in {} s or keep using it",
                    wait.as_secs()
                ),
            ));
        }
        self.refresh_secret(&token.access_token).await
    }

    async fn refresh_secret(&self, token: &Secret) -> Result<LongLivedToken> {
        if token.is_blank() {
            return Err(Error::invalid_input(
                "access_token",
                "is empty; pass the long-lived token",
            ));
        }
        let url = self
            .graph
            .host_path(Host::Graph, &["refresh_access_token"])?;
        let spec = RequestSpec::idempotent("refresh_token").sensitive();
        let request = GraphRequest::get(spec, "")
            .at_url(url)
            .query("grant_type", "ig_refresh_token")
            .query("access_token", token.expose())
            .without_appsecret_proof();
        let body: LongLivedBody = self.graph.send_json(&request).await.map_err(|e| {
            rejected(
                e,
                "the long-lived token could not be refreshed because it is expired, \
                revoked or too young; send the user through Instagram Login again",
            )
        })?;
        Ok(self.long_lived(body))
    }

    fn long_lived(&self, body: LongLivedBody) -> LongLivedToken {
        let issued_at = self.graph.timer().now();
        // An `expires_in` too large for `SystemTime` leaves the expiry unknown.
        let expires_at = body
            .expires_in
            .and_then(|seconds| issued_at.checked_add(Duration::from_secs(seconds)));
        LongLivedToken {
            access_token: body.access_token,
            expires_at,
            issued_at,
        }
    }
}

/// Turns a rejected token call into an `Auth` error requesting a new login.
/// Transport failures and server errors pass through unchanged.
fn rejected(error: Error, message: &str) -> Error {
    let clear_rejection = matches!(
        error.kind(),
        ErrorKind::InvalidToken | ErrorKind::InvalidRequest | ErrorKind::PermissionDenied
    ) && matches!(error, Error::Api(_));
    if !clear_rejection {
        return error;
    }
    AuthError::new(Platform::Instagram, message)
        .needs_reauthorization()
        .with_source(error)
        .into()
}

static NULL: Value = Value::Null;

fn read_short_lived(response: &Response) -> Result<ShortLivedToken> {
    let value = response.json_value()?;
    let entry = match value.get("data").and_then(Value::as_array) {
        Some(items) => items.first().unwrap_or(&NULL),
        None => value,
    };
    let missing = |field: &str| -> Error {
        response
            .unexpected(
                UnexpectedBody::MissingField,
                format!("the code exchange has no {field}"),
            )
            .into()
    };
    let access_token = entry
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| missing("access_token"))?;
    let user_id = entry
        .get("user_id")
        .and_then(ids::id_from_value)
        .ok_or_else(|| missing("user_id"))?;
    Ok(ShortLivedToken {
        access_token: Secret::new(access_token),
        user_id,
        permissions: permissions(entry.get("permissions")),
    })
}

fn permissions(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The refresh grant of Instagram Login long-lived tokens, for
/// `social_core::RefreshingTokenProvider`. The token set's refresh token is
/// the long-lived token itself (see [`LongLivedToken::to_token_set`]).
///
/// The provider refreshes a token when it is about to expire; give it a
/// margin of days (`refresh_margin`), because a 60-day token can be
/// refreshed any time after its first 24 hours.
#[derive(Debug, Clone)]
pub struct InstagramRefresh {
    auth: InstagramAuth,
}

impl InstagramRefresh {
    /// Creates a grant that refreshes through `auth`.
    pub fn new(auth: InstagramAuth) -> InstagramRefresh {
        InstagramRefresh { auth }
    }
}

#[async_trait]
impl RefreshGrant for InstagramRefresh {
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        let token = self.auth.refresh_secret(refresh_token).await?;
        Ok(token.to_token_set())
    }

    fn platform(&self) -> Platform {
        Platform::Instagram
    }
}
