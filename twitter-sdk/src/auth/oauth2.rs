//! OAuth 2.0 user tokens: the PKCE authorization URL, the code exchange and
//! the refresh grant.
//!
//! X rotates refresh tokens: each refresh returns a new one and the old one
//! stops working, so refreshes must run one at a time (see
//! [`social_core::RefreshingTokenProvider`]) and every new token set must
//! reach the application before it is used.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use social_core::{
    AuthError, Error, ErrorKind, HttpClient, Platform, RefreshGrant, RequestSpec, Result, Secret,
    TokenSet, parse_base_url,
};
use url::Url;

/// The browser page where the user approves the app.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://x.com/i/oauth2/authorize";
/// The token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://api.x.com/2/oauth2/token";

/// An OAuth 2.0 app registered with X.
#[derive(Clone)]
pub struct OAuth2App {
    client_id: String,
    client_secret: Option<Secret>,
    redirect_uri: Url,
    authorize_url: Url,
    token_url: Url,
}

impl fmt::Debug for OAuth2App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2App")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("token_url", &self.token_url.as_str())
            .finish()
    }
}

/// The authorization URL for the user, and the values to keep until the callback arrives.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// The URL to open in the user's browser.
    pub url: Url,
    /// The PKCE code verifier; keep it for [`OAuth2App::exchange_code`].
    pub code_verifier: Secret,
    /// The `state` value; check that the callback returns the same one.
    pub state: String,
}

impl OAuth2App {
    /// Creates a public client (no secret) with the redirect URI registered
    /// in the developer portal.
    pub fn new(client_id: impl Into<String>, redirect_uri: &str) -> Result<OAuth2App> {
        let client_id = client_id.into();
        if client_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "client_id",
                "empty; copy the OAuth 2.0 client id from the developer portal",
            ));
        }
        let redirect_uri = Url::parse(redirect_uri).map_err(|e| {
            Error::invalid_input(
                "redirect_uri",
                format!("`{redirect_uri}` is not a valid URL ({e})"),
            )
        })?;
        if !matches!(redirect_uri.scheme(), "https" | "http") {
            return Err(Error::invalid_input(
                "redirect_uri",
                format!(
                    "`{redirect_uri}` must be an http(s) URL registered in the developer portal"
                ),
            ));
        }
        Ok(OAuth2App {
            client_id,
            client_secret: None,
            redirect_uri,
            authorize_url: parse_url(DEFAULT_AUTHORIZE_URL)?,
            token_url: parse_url(DEFAULT_TOKEN_URL)?,
        })
    }

    /// Makes this a confidential client: token calls then send HTTP Basic
    /// auth with the client id and secret, as X requires for such apps.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Result<OAuth2App> {
        let secret = secret.into();
        if secret.is_blank() {
            return Err(Error::invalid_input(
                "client_secret",
                "empty; omit it for a public client",
            ));
        }
        self.client_secret = Some(secret);
        Ok(self)
    }

    /// Replaces the token endpoint (tests, proxies); `https` unless loopback.
    pub fn token_url(mut self, url: &str) -> Result<OAuth2App> {
        let base = parse_base_url("token_url", url)?;
        // parse_base_url adds a trailing slash for joining; a token URL is a
        // full endpoint, so keep the path as given.
        let mut endpoint = base;
        let trimmed = endpoint.path().trim_end_matches('/').to_owned();
        endpoint.set_path(&trimmed);
        self.token_url = endpoint;
        Ok(self)
    }

    /// Replaces the browser authorization page.
    pub fn authorize_url(mut self, url: &str) -> Result<OAuth2App> {
        let mut page = parse_base_url("authorize_url", url)?;
        let trimmed = page.path().trim_end_matches('/').to_owned();
        page.set_path(&trimmed);
        self.authorize_url = page;
        Ok(self)
    }

    /// Returns the client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Builds the authorization URL with a fresh PKCE verifier (S256) and
    /// state. Ask for `offline.access` to get a refresh token; without it
    /// the access token lasts two hours and cannot be renewed.
    pub fn authorization_request(&self, scopes: &[&str]) -> Result<AuthorizationRequest> {
        if scopes.is_empty()
            || scopes
                .iter()
                .any(|s| s.trim().is_empty() || s.contains(' '))
        {
            return Err(Error::invalid_input(
                "scopes",
                "empty; posting needs at least tweet.read tweet.write users.read (and media.write, offline.access)",
            ));
        }
        let code_verifier = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
        let state = URL_SAFE_NO_PAD.encode(random_bytes::<16>()?);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(code_verifier.as_bytes()));
        let mut url = self.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", self.redirect_uri.as_str())
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(AuthorizationRequest {
            url,
            code_verifier: Secret::new(code_verifier),
            state,
        })
    }

    /// Exchanges the `code` from the redirect for a token set.
    pub async fn exchange_code(
        &self,
        http: &HttpClient,
        code: &str,
        code_verifier: &Secret,
    ) -> Result<TokenSet> {
        if code.trim().is_empty() {
            return Err(Error::invalid_input(
                "code",
                "empty; pass the `code` query parameter of the redirect",
            ));
        }
        let form = vec![
            ("code", code.to_owned()),
            ("grant_type", "authorization_code".to_owned()),
            ("redirect_uri", self.redirect_uri.to_string()),
            ("code_verifier", code_verifier.expose().to_owned()),
        ];
        self.token_call(http, "exchange_code", form).await
    }

    /// Runs the refresh grant once. A rejected refresh token (already used,
    /// revoked, expired) is an [`AuthError`] asking for a new authorization.
    pub async fn refresh(&self, http: &HttpClient, refresh_token: &Secret) -> Result<TokenSet> {
        let form = vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.expose().to_owned()),
        ];
        self.token_call(http, "refresh_token", form).await
    }

    async fn token_call(
        &self,
        http: &HttpClient,
        operation: &'static str,
        mut form: Vec<(&'static str, String)>,
    ) -> Result<TokenSet> {
        if self.client_secret.is_none() {
            form.push(("client_id", self.client_id.clone()));
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();

        // Retried after a 5xx or a dropped connection: a server that failed
        // usually did not rotate the refresh token, and if it did, the old
        // token is rejected either way. The refresh itself runs in a task of
        // its own, so a caller that gives up cannot lose a rotated token.
        // The body of an unusable response is kept out of errors and logs.
        let spec = RequestSpec::idempotent(operation).sensitive();
        let basic = self.client_secret.as_ref().map(|secret| {
            let pair = format!("{}:{}", self.client_id, secret.expose());
            format!("Basic {}", STANDARD.encode(pair))
        });
        // base64 output is always header-safe, so the value cannot be dropped.
        let result = http
            .execute(&spec, |client| {
                let mut request = client
                    .post(self.token_url.clone())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone());
                if let Some(value) = basic
                    .as_deref()
                    .and_then(social_core::secret::sensitive_header)
                {
                    request = request.header("authorization", value);
                }
                Ok(request)
            })
            .await;

        let response = result.map_err(token_error)?;
        let token: TokenResponse = response.json()?;
        let unusable = [Some(&token.access_token), token.refresh_token.as_ref()]
            .into_iter()
            .flatten()
            .any(|t| !t.is_header_safe());
        if unusable {
            return Err(response
                .unexpected(
                    social_core::UnexpectedBody::MissingField,
                    "the token endpoint returned a token with characters an HTTP header cannot carry",
                )
                .into());
        }
        Ok(token.into_token_set(http.timer().now()))
    }
}

/// Builds the HTTP client for token calls made before a [`crate::Client`]
/// exists (the code exchange after the user approved the app).
///
/// ```no_run
/// # async fn run(code: &str, verifier: &social_core::Secret) -> social_core::Result<()> {
/// use twitter_sdk::OAuth2App;
/// use twitter_sdk::auth::token_client;
///
/// let app = OAuth2App::new("client id", "https://app.example.com/callback")?;
/// let http = token_client(social_core::HttpSettings::default())?;
/// let tokens = app.exchange_code(&http, code, verifier).await?;
/// # Ok(())
/// # }
/// ```
pub fn token_client(settings: social_core::HttpSettings) -> Result<HttpClient> {
    let mut config =
        social_core::HttpClientConfig::new(concat!("twitter-sdk/", env!("CARGO_PKG_VERSION")));
    config.settings = settings;
    HttpClient::new(config, std::sync::Arc::new(crate::XProtocol))
}

fn parse_url(url: &str) -> Result<Url> {
    Url::parse(url)
        .map_err(|e| Error::invalid_input("url", format!("`{url}` is not a valid URL ({e})")))
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        Error::invalid_input(
            "random",
            format!("the operating system's random source failed: {e}"),
        )
    })?;
    Ok(bytes)
}

/// Turns a rejected token call into an [`AuthError`]; transport and server
/// errors stay as they are (they were already retried).
fn token_error(error: Error) -> Error {
    let Some(api) = error.as_api() else {
        return error;
    };
    if api.kind() != ErrorKind::InvalidToken {
        return error;
    }
    let message = match api.code() {
        Some("unauthorized_client" | "invalid_client") => format!(
            "X rejected the client credentials ({}); check the client id and secret",
            api.message()
        ),
        _ => format!(
            "X rejected the refresh token or code ({}); it was already used, revoked or expired, \
             so the user must authorize the application again",
            api.message()
        ),
    };
    let reauthorize = !matches!(api.code(), Some("unauthorized_client" | "invalid_client"));
    let auth = AuthError::new(Platform::X, message);
    let auth = if reauthorize {
        auth.needs_reauthorization()
    } else {
        auth
    };
    auth.with_source(error).into()
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

impl TokenResponse {
    fn into_token_set(self, now: std::time::SystemTime) -> TokenSet {
        TokenSet {
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            // An `expires_in` no clock can hold means "no known expiry".
            expires_at: self
                .expires_in
                .and_then(|s| now.checked_add(Duration::from_secs(s))),
            refresh_expires_at: None,
            scopes: self
                .scope
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// The refresh grant bound to an HTTP client, for
/// [`social_core::RefreshingTokenProvider`].
#[derive(Debug, Clone)]
pub struct XRefreshGrant {
    app: Arc<OAuth2App>,
    http: HttpClient,
}

impl XRefreshGrant {
    /// Binds `app` to the client that sends the token calls.
    pub fn new(app: OAuth2App, http: HttpClient) -> XRefreshGrant {
        XRefreshGrant {
            app: Arc::new(app),
            http,
        }
    }
}

#[async_trait]
impl RefreshGrant for XRefreshGrant {
    async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        self.app.refresh(&self.http, refresh_token).await
    }

    fn platform(&self) -> Platform {
        Platform::X
    }
}
