//! TikTok OAuth v2: code exchange (with PKCE for desktop and mobile apps)
//! and refresh of user access tokens.
//!
//! TikTok rotates refresh tokens: each refresh returns a new one and the
//! old one stops working. [`OAuthClient::token_provider`] returns a
//! provider that refreshes once at a time and hands every new token set to
//! the application's callback before any waiting request goes on, so the
//! rotated refresh token can be stored first. Refreshes are scheduled from
//! the `expires_in` and `refresh_expires_in` of each response. TikTok has
//! changed both lifetimes before, so none is assumed.

mod builder;
mod pkce;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use serde::{Deserialize, Deserializer};
use social_core::{
    AuthError, Error, HttpClient, Platform, RefreshGrant, RefreshingTokenProvider, RequestSpec,
    Result, Secret, TokenSet,
};
use url::Url;

pub use builder::OAuthClientBuilder;
pub use pkce::PkceVerifier;

/// TikTok's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://open.tiktokapis.com/v2/oauth/token/";

/// A client of TikTok's token endpoint for one app.
#[derive(Clone)]
pub struct OAuthClient {
    inner: Arc<Inner>,
}

struct Inner {
    client_key: String,
    client_secret: Secret,
    token_url: Url,
    http: HttpClient,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_key", &self.inner.client_key)
            .field("client_secret", &self.inner.client_secret)
            .field("token_url", &self.inner.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// The result of a code exchange or refresh.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthorizedUser {
    /// TikTok's id of the user for this app.
    pub open_id: Option<String>,
    /// The tokens, with expiry times computed from `expires_in` and
    /// `refresh_expires_in`.
    pub tokens: TokenSet,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
    #[serde(default)]
    open_id: Option<String>,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default, deserialize_with = "seconds")]
    refresh_expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

/// Reads a lifetime in seconds given as a JSON number or a numeric string.
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Text(String),
    }
    match Option::<Seconds>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Seconds::Number(n)) => Ok(Some(n)),
        Some(Seconds::Text(text)) => {
            text.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom("a lifetime is not a whole number of seconds")
            })
        }
    }
}

impl OAuthClient {
    /// Starts building a client for the app with `client_key` and `client_secret`.
    pub fn builder(
        client_key: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> OAuthClientBuilder {
        OAuthClientBuilder::new(client_key.into(), client_secret.into())
    }

    /// Exchanges an authorization code for tokens.
    ///
    /// `code` is the value from the redirect's query, URL-decoded (as any
    /// query parser returns it). `redirect_uri` must be the one used in the
    /// authorization request. Desktop and mobile apps pass the PKCE verifier
    /// whose challenge they sent.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&PkceVerifier>,
    ) -> Result<AuthorizedUser> {
        if code.trim().is_empty() {
            return Err(Error::invalid_input(
                "code",
                "empty; pass the code from the redirect",
            ));
        }
        if redirect_uri.trim().is_empty() {
            return Err(Error::invalid_input(
                "redirect_uri",
                "empty; pass the registered redirect URI",
            ));
        }
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ];
        if let Some(verifier) = verifier {
            form.push(("code_verifier", verifier.expose()));
        }
        self.token_request("exchange_code", &form).await
    }

    /// Exchanges a refresh token for a new token set. TikTok rotates the
    /// refresh token, so store the returned one because the old one stops
    /// working.
    pub async fn refresh_access_token(&self, refresh_token: &Secret) -> Result<AuthorizedUser> {
        if refresh_token.is_blank() {
            return Err(Error::invalid_input(
                "refresh_token",
                "empty; pass the stored refresh token",
            ));
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        self.token_request("refresh_token", &form).await
    }

    /// Returns a provider that refreshes `tokens` through this client, once
    /// at a time. Add the application's storage with
    /// [`RefreshingTokenProvider::on_refresh`]. Without it, a rotated
    /// refresh token is lost when the process ends.
    pub fn token_provider(&self, tokens: TokenSet) -> RefreshingTokenProvider<OAuthClient> {
        RefreshingTokenProvider::new(self.clone(), tokens)
            .with_timer(self.inner.http.timer().clone())
    }

    /// Sends a token request. It counts as creating: a refresh TikTok may
    /// have carried out has already rotated the refresh token, so it is
    /// never sent twice unless the connection provably never opened.
    async fn token_request(
        &self,
        operation: &'static str,
        grant: &[(&str, &str)],
    ) -> Result<AuthorizedUser> {
        let body = encode_form(&self.inner.client_key, &self.inner.client_secret, grant);

        let issued_at = self.inner.http.timer().now();
        // The body of an unusable response may contain tokens, so it stays
        // out of errors and logs.
        let spec = RequestSpec::creating(operation).sensitive();
        let url = &self.inner.token_url;
        let response = self
            .inner
            .http
            .execute(&spec, |client| {
                Ok(client
                    .post(url.clone())
                    .header(
                        http::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body.clone()))
            })
            .await
            .map_err(oauth_error)?;
        let token_response: TokenResponse = response.json()?;
        if token_response.access_token.is_blank() {
            return Err(response
                .unexpected(
                    social_core::UnexpectedBody::MissingField,
                    "access_token is empty",
                )
                .into());
        }
        let unusable = std::iter::once(&token_response.access_token)
            .chain(token_response.refresh_token.as_ref())
            .any(|token| !token.is_header_safe());
        if unusable {
            return Err(response
                .unexpected(
                    social_core::UnexpectedBody::MissingField,
                    "the token endpoint returned a token with characters an HTTP header cannot \
                     carry (spaces, line breaks or non-ASCII)",
                )
                .into());
        }
        Ok(authorized_user(token_response, issued_at))
    }
}

fn encode_form(client_key: &str, client_secret: &Secret, grant: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("client_key", client_key);
    form.append_pair("client_secret", client_secret.expose());
    form.extend_pairs(grant);
    form.finish()
}

fn authorized_user(token_response: TokenResponse, issued_at: SystemTime) -> AuthorizedUser {
    // A lifetime no clock can hold means "no known expiry", not a panic.
    let after =
        |seconds: Option<u64>| seconds.and_then(|s| issued_at.checked_add(Duration::from_secs(s)));
    let scopes = token_response
        .scope
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    AuthorizedUser {
        open_id: token_response.open_id,
        tokens: TokenSet {
            access_token: token_response.access_token,
            refresh_token: token_response.refresh_token,
            expires_at: after(token_response.expires_in),
            refresh_expires_at: after(token_response.refresh_expires_in),
            scopes,
        },
    }
}

/// Turns the token endpoint's OAuth error codes into [`AuthError`]s with
/// advice for the caller. Other errors pass through.
fn oauth_error(error: Error) -> Error {
    let Some(api) = error.as_api() else {
        return error;
    };
    let (advice, reauthorize) = match api.code().unwrap_or_default() {
        "invalid_grant" => (
            "the authorization code or refresh token is invalid, expired, revoked or already used; \
             ask the user to authorize the app again",
            true,
        ),
        "access_denied" => (
            "the user denied the authorization; ask them to authorize the app again",
            true,
        ),
        "invalid_client" | "unauthorized_client" => (
            "TikTok rejected the app's client_key or client_secret, or the app may not use \
             this grant; check the credentials in the TikTok developer portal",
            false,
        ),
        "invalid_scope" => (
            "a requested scope is unknown or not approved for the app",
            false,
        ),
        "invalid_request" => (
            "TikTok rejected the token request; check the code, redirect_uri and code_verifier",
            false,
        ),
        "unsupported_grant_type" | "unsupported_response_type" => {
            ("TikTok does not support this grant for the app", false)
        }
        _ => return error,
    };
    let code = api.code().unwrap_or_default();
    let mut message = format!("{code}: {advice}");
    if !api.message().is_empty() {
        message.push_str(&format!(" (TikTok: {})", api.message()));
    }
    if let Some(log_id) = api.request_id() {
        message.push_str(&format!(" (log id {log_id})"));
    }
    let auth = AuthError::new(Platform::TikTok, message).with_source(api.clone());
    let auth = if reauthorize {
        auth.needs_reauthorization()
    } else {
        auth
    };
    auth.into()
}

#[async_trait]
impl RefreshGrant for OAuthClient {
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        Ok(self.refresh_access_token(refresh_token).await?.tokens)
    }

    fn platform(&self) -> Platform {
        Platform::TikTok
    }
}
