//! Google OAuth 2.0 tokens: the refresh grant against Google's token
//! endpoint, and (feature `yup-oauth2`) an adapter for yup-oauth2.
//!
//! [`GoogleRefreshGrant`] posts `grant_type=refresh_token` as a form to a
//! configurable token URL (default `https://oauth2.googleapis.com/token`).
//! Wrapped in [`social_core::RefreshingTokenProvider`] (see
//! [`google_token_provider`]) it refreshes shortly before the announced
//! expiry, refreshes once after a rejected token, shares one refresh among
//! concurrent callers, and hands every new token set to the application's
//! callback.
//!
//! | token endpoint answer | result |
//! | --- | --- |
//! | 200 with `access_token` | new token set; a missing `refresh_token` keeps the old one |
//! | 400 `invalid_grant` | [`Error::Auth`] that [requires reauthorization](social_core::AuthError::requires_reauthorization) |
//! | 401 `invalid_client`, `unauthorized_client`, `deleted_client` | [`Error::Auth`]: fix the client id or secret |
//! | 5xx, 429, dropped connection | retried with backoff, then the last error |
//! | HTML page, empty or non-JSON body | [`Error::UnexpectedResponse`], with the body's text withheld because it may contain tokens |
//! | a token with spaces, line breaks or non-ASCII | [`Error::UnexpectedResponse`] |
//! | `expires_in` too large for the clock | new token set with no known expiry |

#[cfg(feature = "yup-oauth2")]
pub mod yup;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use social_core::client::HttpClientConfig;
use social_core::http::{HeaderMap, StatusCode};
use social_core::{
    ApiError, ApiProtocol, AuthError, Error, ErrorKind, HttpClient, HttpSettings, Platform,
    RefreshGrant, RefreshingTokenProvider, RequestSpec, Response, Result, RetryPolicy, Secret,
    Timer, TokenSet, TokioTimer, UnexpectedBody,
};
use url::Url;

/// Google's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

/// Scope for uploading videos and setting thumbnails.
pub const SCOPE_UPLOAD: &str = "https://www.googleapis.com/auth/youtube.upload";
/// Scope that covers every call of this crate (upload, update, delete,
/// thumbnails, playlists).
pub const SCOPE_FORCE_SSL: &str = "https://www.googleapis.com/auth/youtube.force-ssl";
/// Full access to the account's YouTube data.
pub const SCOPE_YOUTUBE: &str = "https://www.googleapis.com/auth/youtube";

/// The token provider this crate builds from a refresh token.
pub type GoogleTokenProvider = RefreshingTokenProvider<GoogleRefreshGrant>;

/// Builds a single-flight refreshing provider from a grant and the current
/// token set. A set with an empty access token and no expiry is refreshed
/// before its first use.
pub fn google_token_provider(
    grant: GoogleRefreshGrant,
    mut tokens: TokenSet,
) -> GoogleTokenProvider {
    let timer = grant.timer.clone();
    if tokens.access_token.is_blank() && tokens.expires_at.is_none() {
        tokens.expires_at = Some(std::time::SystemTime::UNIX_EPOCH);
    }
    RefreshingTokenProvider::new(grant, tokens).with_timer(timer)
}

/// The OAuth 2.0 refresh-token grant against Google's token endpoint.
#[derive(Clone)]
pub struct GoogleRefreshGrant {
    client_id: String,
    client_secret: Secret,
    token_url: Url,
    http: HttpClient,
    timer: Arc<dyn Timer>,
}

impl fmt::Debug for GoogleRefreshGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoogleRefreshGrant")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Builds a [`GoogleRefreshGrant`].
#[derive(Debug, Clone)]
pub struct GoogleRefreshGrantBuilder {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    settings: HttpSettings,
    retry: RetryPolicy,
    timer: Arc<dyn Timer>,
}

impl GoogleRefreshGrant {
    /// Starts a grant for the OAuth client `client_id` / `client_secret`.
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> GoogleRefreshGrantBuilder {
        GoogleRefreshGrantBuilder {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            settings: HttpSettings::default(),
            retry: RetryPolicy::default(),
            timer: Arc::new(TokioTimer),
        }
    }

    /// Returns the token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    fn form(&self, refresh_token: &Secret) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("refresh_token", refresh_token.expose())
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", self.client_secret.expose())
            .finish()
    }

    fn token_set(&self, reply: &Response, response: TokenResponse) -> Result<TokenSet> {
        if let Some(kind) = &response.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(AuthError::new(
                Platform::YouTube,
                format!(
                    "the token endpoint returned a `{kind}` token; only bearer tokens are supported"
                ),
            )
            .into());
        }
        if response.access_token.is_blank() {
            return Err(AuthError::new(
                Platform::YouTube,
                "the token endpoint returned an empty access token",
            )
            .into());
        }

        let refresh_token = response.refresh_token.filter(|t| !t.is_blank());
        let unusable = std::iter::once(&response.access_token)
            .chain(refresh_token.as_ref())
            .any(|t| !t.is_header_safe());
        if unusable {
            return Err(reply
                .unexpected(
                    UnexpectedBody::MissingField,
                    "the token endpoint returned a token with characters an HTTP header cannot \
                     carry (spaces, line breaks or non-ASCII)",
                )
                .into());
        }

        let now = self.timer.now();
        // A lifetime no clock can hold means "no known expiry", not a panic.
        let after = |seconds: u64| now.checked_add(Duration::from_secs(seconds));
        let mut tokens = TokenSet::new(response.access_token);
        tokens.refresh_token = refresh_token;
        tokens.expires_at = response.expires_in.and_then(after);
        tokens.refresh_expires_at = response.refresh_token_expires_in.and_then(after);
        tokens.scopes = response
            .scope
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(tokens)
    }
}

impl GoogleRefreshGrantBuilder {
    /// Sends the grant to another token endpoint (a local fake, the legacy
    /// `https://accounts.google.com/o/oauth2/token`). It must be `https`
    /// unless it is on a loopback host.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Sets timeouts, proxy and certificates.
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets how 5xx answers and dropped connections are retried.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Uses another clock (tests).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }

    /// Checks the settings and builds the grant.
    pub fn build(self) -> Result<GoogleRefreshGrant> {
        if self.client_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "client_id",
                "empty; use the OAuth client id from the Google Cloud console",
            ));
        }

        if self
            .client_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid_input(
                "client_id",
                "contains spaces or line breaks, which no client id has; check where it was \
                 copied from",
            ));
        }
        if self.client_secret.is_blank() {
            return Err(Error::invalid_input(
                "client_secret",
                "empty; use the OAuth client secret from the Google Cloud console",
            ));
        }
        if self.client_secret.expose().chars().any(char::is_control) {
            return Err(Error::invalid_input(
                "client_secret",
                "contains line breaks or other control characters, which no client secret \
                 has; check where it was copied from",
            ));
        }
        let token_url = parse_token_url(&self.token_url)?;
        let mut config = HttpClientConfig::new(crate::USER_AGENT);
        config.settings = self.settings;
        config.retry = self.retry;
        config.timer = self.timer.clone();
        let http = HttpClient::new(config, Arc::new(OAuthProtocol))?;
        Ok(GoogleRefreshGrant {
            client_id: self.client_id,
            client_secret: self.client_secret,
            token_url,
            http,
            timer: self.timer,
        })
    }
}

fn parse_token_url(value: &str) -> Result<Url> {
    let base = social_core::parse_base_url("token_url", value)?;
    // parse_base_url adds a trailing slash for joining; a token URL is used as is.
    let trimmed = base.as_str().trim_end_matches('/');
    let original = Url::parse(value.trim()).ok();
    match original {
        Some(url) if url.path() != "/" => Ok(url),
        _ => Url::parse(trimmed).map_err(|e| Error::invalid_input("token_url", e.to_string())),
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    refresh_token_expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
}

#[async_trait]
impl RefreshGrant for GoogleRefreshGrant {
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        if refresh_token.is_blank() {
            return Err(AuthError::new(
                Platform::YouTube,
                "the refresh token is empty; authorize the application again to get one",
            )
            .needs_reauthorization()
            .into());
        }
        if !refresh_token.is_header_safe() {
            return Err(AuthError::new(
                Platform::YouTube,
                "the refresh token contains spaces, line breaks or non-ASCII characters, which \
                 no Google refresh token has; check where it was copied from",
            )
            .into());
        }
        // The body of an unusable response may contain tokens, so it stays
        // out of errors and logs.
        let spec = RequestSpec::idempotent("oauth.refresh_token").sensitive();
        let body = self.form(refresh_token);
        let result = self
            .http
            .execute(&spec, |client| {
                Ok(client
                    .post(self.token_url.clone())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .header(reqwest::header::ACCEPT, "application/json")
                    .body(body.clone()))
            })
            .await;
        let response = result.map_err(token_endpoint_error)?;
        let tokens: TokenResponse = response.json()?;
        self.token_set(&response, tokens)
    }

    fn platform(&self) -> Platform {
        Platform::YouTube
    }
}

/// Turns the token endpoint's documented errors into [`AuthError`]s; 5xx,
/// transport and unreadable answers pass through unchanged.
fn token_endpoint_error(error: Error) -> Error {
    let Error::Api(api) = &error else {
        return error;
    };
    let code = api.code().unwrap_or_default().to_owned();
    let detail = if api.message().is_empty() {
        code.clone()
    } else {
        format!("{code}: {}", api.message())
    };
    let auth = match code.as_str() {
        "invalid_grant" => AuthError::new(
            Platform::YouTube,
            format!(
                "the refresh token was rejected ({detail}); the user must authorize the \
                 application again (re-consent) to get a new refresh token; a saved upload \
                 session can be resumed afterwards"
            ),
        )
        .needs_reauthorization(),
        "invalid_client" | "unauthorized_client" | "deleted_client" => AuthError::new(
            Platform::YouTube,
            format!(
                "the OAuth client was rejected ({detail}); check the client id and secret \
                 in the Google Cloud console"
            ),
        ),
        _ if api.status().is_some_and(|s| s.is_client_error())
            && api.kind() != ErrorKind::RateLimited =>
        {
            AuthError::new(
                Platform::YouTube,
                format!("the token refresh failed ({detail})"),
            )
        }
        _ => return error,
    };
    auth.with_source(api.as_ref().clone()).into()
}

/// The token endpoint's error shape: `{"error":"invalid_grant","error_description":"…"}`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OAuthProtocol;

impl ApiProtocol for OAuthProtocol {
    fn platform(&self) -> Platform {
        Platform::YouTube
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError> {
        let error = body.get("error")?;
        if let Some(code) = error.as_str() {
            let description = body
                .get("error_description")
                .and_then(|d| d.as_str())
                .unwrap_or_default();
            let (kind, transient) = match code {
                "invalid_grant" => (ErrorKind::InvalidToken, false),
                "invalid_client" | "unauthorized_client" | "deleted_client" => {
                    (ErrorKind::PermissionDenied, false)
                }
                "temporarily_unavailable" => (ErrorKind::ServerError, true),
                "slow_down" => (ErrorKind::RateLimited, true),
                _ if status.is_server_error() => (ErrorKind::ServerError, true),
                _ => (ErrorKind::InvalidRequest, false),
            };
            return Some(
                ApiError::new(Platform::YouTube, kind, description)
                    .with_code(code)
                    .with_transient(transient),
            );
        }
        crate::error::YouTubeProtocol.parse_error(status, _headers, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_url_keeps_its_path() {
        assert_eq!(
            parse_token_url("https://oauth2.googleapis.com/token")
                .expect("valid")
                .as_str(),
            "https://oauth2.googleapis.com/token"
        );
        assert_eq!(
            parse_token_url("http://127.0.0.1:9/")
                .expect("valid")
                .as_str(),
            "http://127.0.0.1:9/"
        );
        assert!(parse_token_url("http://oauth2.example.com/token").is_err());
    }

    #[test]
    fn debug_hides_client_secret() {
        let grant =
            GoogleRefreshGrant::builder("id.apps.googleusercontent.com", "GOCSPX-very-secret")
                .build()
                .expect("grant");

        let debug = format!("{grant:?}");

        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains("id.apps.googleusercontent.com"));
    }

    #[test]
    fn form_encodes_every_field() {
        let grant = GoogleRefreshGrant::builder("cid", "sec ret")
            .build()
            .expect("grant");

        let form = grant.form(&Secret::new("1//rt+/="));

        assert_eq!(
            form,
            "grant_type=refresh_token&refresh_token=1%2F%2Frt%2B%2F%3D&client_id=cid&client_secret=sec+ret"
        );
    }
}
