//! Token inspection (`debug_token`) and the long-lived user token exchange.

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use social_core::{Error, RequestSpec, Result, Secret, TokenSet};

use super::client::GraphClient;
use super::ids;
use super::request::GraphRequest;

/// The kind of token `debug_token` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenType {
    /// A user token, from Facebook Login.
    User,
    /// A Page token, needed to publish as a Page.
    Page,
    /// An app token, `APP_ID|APP_SECRET`.
    App,
    /// A Business Manager system user token.
    SystemUser,
    /// A type this SDK does not know, as sent.
    Other(String),
}

impl TokenType {
    fn parse(text: &str) -> TokenType {
        match text.to_ascii_uppercase().as_str() {
            "USER" => TokenType::User,
            "PAGE" => TokenType::Page,
            "APP" => TokenType::App,
            "SYSTEM_USER" => TokenType::SystemUser,
            _ => TokenType::Other(text.to_owned()),
        }
    }
}

/// A permission with the objects (Pages, Instagram accounts) it was granted for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GranularScope {
    /// The permission, such as `pages_manage_posts`.
    pub scope: String,
    /// The ids the user picked; empty means all of them.
    #[serde(default, deserialize_with = "id_list")]
    pub target_ids: Vec<String>,
}

/// The token details `debug_token` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The app the token belongs to.
    pub app_id: Option<String>,
    /// The token's kind.
    pub token_type: Option<TokenType>,
    /// Whether the token can be used now.
    pub is_valid: bool,
    /// When the token expires. `None` when it never does (`expires_at: 0`)
    /// or when the value is beyond what `SystemTime` can hold.
    pub expires_at: Option<SystemTime>,
    /// When the app loses access to the user's data. `None` as for `expires_at`.
    pub data_access_expires_at: Option<SystemTime>,
    /// The permissions granted.
    pub scopes: Vec<String>,
    /// The permissions with the objects they cover.
    pub granular_scopes: Vec<GranularScope>,
    /// The user behind the token.
    pub user_id: Option<String>,
    /// The error code and subcode Graph gives for an invalid token.
    pub error_code: Option<i64>,
    /// The error subcode, such as 463 for an expired token.
    pub error_subcode: Option<i64>,
    /// The error message for an invalid token.
    pub error_message: Option<String>,
}

impl TokenInfo {
    /// Returns the time left before the token expires, measured from `now`;
    /// `None` for a token that never expires.
    pub fn expires_in(&self, now: SystemTime) -> Option<Duration> {
        self.expires_at
            .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
    }

    /// Tells whether `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Tells whether `scope` covers the object `id`: granted, and either
    /// without a granular list or with `id` in it.
    pub fn scope_covers(&self, scope: &str, id: &str) -> bool {
        if !self.has_scope(scope) {
            return false;
        }
        match self.granular_scopes.iter().find(|g| g.scope == scope) {
            Some(granular) => {
                granular.target_ids.is_empty() || granular.target_ids.iter().any(|t| t == id)
            }
            None => true,
        }
    }
}

#[derive(Deserialize)]
struct DebugTokenBody {
    data: DebugTokenData,
}

#[derive(Deserialize)]
struct DebugTokenData {
    #[serde(default, deserialize_with = "ids::optional_string")]
    app_id: Option<String>,
    #[serde(default, rename = "type")]
    token_type: Option<String>,
    #[serde(default)]
    is_valid: bool,
    #[serde(default, deserialize_with = "ids::optional_u64_from_any")]
    expires_at: Option<u64>,
    #[serde(default, deserialize_with = "ids::optional_u64_from_any")]
    data_access_expires_at: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    granular_scopes: Vec<GranularScope>,
    #[serde(default, deserialize_with = "ids::optional_string")]
    user_id: Option<String>,
    #[serde(default)]
    error: Option<DebugTokenError>,
}

#[derive(Deserialize)]
struct DebugTokenError {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    subcode: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct ExchangeBody {
    access_token: Secret,
    #[serde(default, deserialize_with = "ids::optional_u64_from_any")]
    expires_in: Option<u64>,
}

fn id_list<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "ids::string")] String);
    let list = Option::<Vec<Id>>::deserialize(deserializer)?;
    Ok(list
        .unwrap_or_default()
        .into_iter()
        .map(|Id(id)| id)
        .collect())
}

/// Converts Unix seconds to a time. 0 (no expiry) and values beyond what
/// `SystemTime` can hold give `None`.
fn unix_time(seconds: Option<u64>) -> Option<SystemTime> {
    seconds
        .filter(|s| *s > 0)
        .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

impl GraphClient {
    /// Inspects `input_token` with `GET /debug_token`, authenticated with
    /// `access_token`: the app token `APP_ID|APP_SECRET`, or a token of a
    /// developer of the same app.
    ///
    /// An invalid token is not an error here: the result has
    /// `is_valid: false` and the Graph error code that explains why.
    // NOTE: `input_token` must travel in the query string, as Graph defines
    // this call; the URL is never logged and reqwest errors drop it.
    pub async fn debug_token(
        &self,
        input_token: &Secret,
        access_token: &Secret,
    ) -> Result<TokenInfo> {
        if input_token.is_blank() {
            return Err(Error::invalid_input(
                "input_token",
                "is empty; pass the token to inspect",
            ));
        }
        let spec = RequestSpec::idempotent("debug_token").sensitive();
        let request = GraphRequest::get(spec, "debug_token")
            .query("input_token", input_token.expose())
            .token(access_token)
            .without_appsecret_proof();
        let body: DebugTokenBody = self.send_json(&request).await?;
        let data = body.data;
        let error = data.error;
        Ok(TokenInfo {
            app_id: data.app_id,
            token_type: data.token_type.as_deref().map(TokenType::parse),
            is_valid: data.is_valid,
            expires_at: unix_time(data.expires_at),
            data_access_expires_at: unix_time(data.data_access_expires_at),
            scopes: data.scopes,
            granular_scopes: data.granular_scopes,
            user_id: data.user_id,
            error_code: error.as_ref().and_then(|e| e.code),
            error_subcode: error.as_ref().and_then(|e| e.subcode),
            error_message: error.and_then(|e| e.message),
        })
    }

    /// Exchanges a short-lived user token (1–2 hours) for a long-lived one
    /// (about 60 days) with `GET /oauth/access_token?grant_type=fb_exchange_token`.
    ///
    /// It needs the app secret, so run it on a server, never in a client app.
    /// Page tokens fetched with the long-lived user token do not expire.
    // NOTE: Graph defines this call with the app secret and the token in the
    // query string; the URL is never logged and reqwest errors drop it.
    pub async fn exchange_long_lived_token(
        &self,
        app_id: &str,
        app_secret: &Secret,
        short_lived_token: &Secret,
    ) -> Result<TokenSet> {
        if app_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "app_id",
                "is empty; set the app id from the app dashboard",
            ));
        }
        if app_secret.is_blank() {
            return Err(Error::invalid_input(
                "app_secret",
                "is empty; set the app secret from the app dashboard",
            ));
        }
        if short_lived_token.is_blank() {
            return Err(Error::invalid_input(
                "access_token",
                "is empty; pass the short-lived user token",
            ));
        }
        // The response carries the new token, so an unusable body is kept
        // out of errors and logs.
        let spec = RequestSpec::idempotent("exchange_token").sensitive();
        let request = GraphRequest::get(spec, "oauth/access_token")
            .query("grant_type", "fb_exchange_token")
            .query("client_id", app_id.trim())
            .query("client_secret", app_secret.expose())
            .query("fb_exchange_token", short_lived_token.expose())
            .without_appsecret_proof();
        let body: ExchangeBody = self.send_json(&request).await?;
        let mut tokens = TokenSet::new(body.access_token);
        // An `expires_in` too large for `SystemTime` leaves the expiry unknown.
        let expires_at = body
            .expires_in
            .and_then(|seconds| self.timer().now().checked_add(Duration::from_secs(seconds)));
        if let Some(at) = expires_at {
            tokens = tokens.with_expires_at(at);
        }
        Ok(tokens)
    }
}
