//! OAuth 2.0: the user token endpoint (`POST /2/oauth2/token`) with PKCE
//! code exchange and refresh-token rotation, the app-only bearer endpoint
//! (`POST /oauth2/token`), and the store of issued tokens.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};
use wiremock::Request;

use super::reply::Reply;
use super::state::State;

const SCOPE: &str = "tweet.read tweet.write users.read media.write offline.access";
/// X's description for a spent or unknown refresh token. NOTE: the other
/// `error_description` texts of this file are the fake's own; X's wording
/// for those cases is not documented.
const INVALID_TOKEN: &str = "Value passed for the token was invalid.";

/// A code registered by [`FakeX::register_authorization_code`](super::FakeX::register_authorization_code).
#[derive(Debug, Clone)]
struct AuthorizationCode {
    challenge: String,
    redirect_uri: String,
}

/// Issued tokens and the OAuth 2.0 client.
#[derive(Debug)]
pub(super) struct TokenStore {
    pub(super) client_id: String,
    pub(super) client_secret: String,
    /// Whether the client is public: `client_id` in the body instead of
    /// Basic auth.
    pub(super) public_client: bool,
    /// Access tokens, each with whether it was expired.
    access: HashMap<String, bool>,
    live_refresh: HashSet<String>,
    pub(super) current_access: String,
    pub(super) current_refresh: String,
    pub(super) refresh_received: Vec<String>,
    codes: HashMap<String, AuthorizationCode>,
    pub(super) app_bearer: String,
    issued: u64,
}

impl TokenStore {
    pub(super) fn new() -> TokenStore {
        let mut store = TokenStore {
            client_id: "fake-x-client-id".to_owned(),
            client_secret: "fake-x-client-secret".to_owned(),
            public_client: false,
            access: HashMap::new(),
            live_refresh: HashSet::new(),
            current_access: String::new(),
            current_refresh: String::new(),
            refresh_received: Vec::new(),
            codes: HashMap::new(),
            app_bearer: "fake-x-app-only-bearer".to_owned(),
            issued: 0,
        };
        store.issue();
        store
    }

    /// Issues a new access and refresh token pair and makes it current.
    fn issue(&mut self) {
        self.issued += 1;
        self.current_access = format!("fake-x-access-{}", self.issued);
        self.current_refresh = format!("fake-x-refresh-{}", self.issued);
        self.access.insert(self.current_access.clone(), false);
        self.live_refresh.insert(self.current_refresh.clone());
    }

    /// Returns whether `token` is an issued, unexpired user access token.
    pub(super) fn is_live_access(&self, token: &str) -> bool {
        self.access.get(token) == Some(&false)
    }

    /// Makes the current access token rejected from now on.
    pub(super) fn expire_current(&mut self) {
        self.access.insert(self.current_access.clone(), true);
    }

    /// Makes every refresh token rejected, as a revoked grant does.
    pub(super) fn revoke_refresh_tokens(&mut self) {
        self.live_refresh.clear();
    }

    pub(super) fn register_code(&mut self, code: &str, challenge: &str, redirect_uri: &str) {
        let code_entry = AuthorizationCode {
            challenge: challenge.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
        };
        self.codes.insert(code.to_owned(), code_entry);
    }

    fn token_response(&self) -> Reply {
        Reply::json(
            200,
            json!({
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": self.current_access,
                "scope": SCOPE,
                "refresh_token": self.current_refresh,
            }),
        )
    }
}

/// `POST /2/oauth2/token`.
pub(super) fn user_token(state: &mut State, request: &Request) -> Reply {
    let form = match form_body(request) {
        Ok(form) => form,
        Err(reply) => return reply,
    };
    let grant = form.get("grant_type").map(String::as_str);
    if grant == Some("refresh_token") {
        let received = form.get("refresh_token").cloned().unwrap_or_default();
        state.tokens.refresh_received.push(received);
    }
    if let Err(reply) = check_client(&state.tokens, request, &form) {
        return reply;
    }
    match grant {
        Some("refresh_token") => refresh(&mut state.tokens, &form),
        Some("authorization_code") => exchange_code(&mut state.tokens, &form),
        Some(other) => Reply::oauth_error(
            400,
            "unsupported_grant_type",
            &format!("Grant type {other} is not supported here."),
        ),
        None => Reply::oauth_error(
            400,
            "invalid_request",
            "Missing required parameter [grant_type].",
        ),
    }
}

fn refresh(tokens: &mut TokenStore, form: &HashMap<String, String>) -> Reply {
    let Some(refresh_token) = form.get("refresh_token") else {
        return Reply::oauth_error(
            400,
            "invalid_request",
            "Missing required parameter [refresh_token].",
        );
    };
    // Refresh tokens are single use: the one sent is spent whatever happens next.
    if !tokens.live_refresh.remove(refresh_token) {
        return Reply::oauth_error(400, "invalid_request", INVALID_TOKEN);
    }
    tokens.issue();
    tokens.token_response()
}

fn exchange_code(tokens: &mut TokenStore, form: &HashMap<String, String>) -> Reply {
    let field = |name: &str| form.get(name).map(String::as_str);
    let (Some(code), Some(redirect_uri), Some(verifier)) =
        (field("code"), field("redirect_uri"), field("code_verifier"))
    else {
        return Reply::oauth_error(
            400,
            "invalid_request",
            "Missing required parameter [code], [redirect_uri] or [code_verifier].",
        );
    };
    // A code is spent by its first exchange, successful or not.
    let Some(registered) = tokens.codes.remove(code) else {
        return Reply::oauth_error(
            400,
            "invalid_request",
            "Value passed for the authorization code was invalid.",
        );
    };
    if registered.redirect_uri != redirect_uri {
        return Reply::oauth_error(
            400,
            "invalid_request",
            "Value passed for the redirect uri did not match.",
        );
    }
    if !is_valid_verifier(verifier) || s256_challenge(verifier) != registered.challenge {
        return Reply::oauth_error(
            400,
            "invalid_request",
            "Value passed for the code verifier did not match the code challenge.",
        );
    }
    tokens.issue();
    tokens.token_response()
}

/// Returns the PKCE `S256` challenge of `verifier`: base64url without
/// padding of its SHA-256.
pub(super) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636: 43 to 128 characters from `A-Z a-z 0-9 - . _ ~`.
fn is_valid_verifier(verifier: &str) -> bool {
    let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    (43..=128).contains(&verifier.len()) && verifier.chars().all(unreserved)
}

/// Confidential clients authenticate with Basic auth; public clients name
/// themselves with `client_id` in the body.
fn check_client(
    tokens: &TokenStore,
    request: &Request,
    form: &HashMap<String, String>,
) -> Result<(), Reply> {
    let basic = basic_credentials(request);
    let valid = match basic {
        Some((id, secret)) => id == tokens.client_id && secret == tokens.client_secret,
        None => tokens.public_client && form.get("client_id") == Some(&tokens.client_id),
    };
    if valid {
        Ok(())
    } else {
        Err(Reply::oauth_error(
            401,
            "unauthorized_client",
            "Missing valid authorization header",
        ))
    }
}

/// `POST /oauth2/token` with `grant_type=client_credentials` and Basic auth
/// of the consumer key and secret: the app-only bearer token, the same on
/// every call.
pub(super) fn app_token(state: &mut State, request: &Request) -> Reply {
    let form = match form_body(request) {
        Ok(form) => form,
        Err(reply) => return reply,
    };
    let valid = basic_credentials(request).is_some_and(|(key, secret)| {
        key == state.oauth1.consumer_key && secret == state.oauth1.consumer_secret
    });
    if !valid {
        return Reply::v1_error(403, 99, "Unable to verify your credentials");
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return Reply::v1_error(
            403,
            99,
            "Unable to verify your credentials: grant_type must be client_credentials",
        );
    }
    Reply::json(
        200,
        json!({"token_type": "bearer", "access_token": state.tokens.app_bearer}),
    )
}

/// Decodes `Authorization: Basic base64(id:secret)`.
pub(super) fn basic_credentials(request: &Request) -> Option<(String, String)> {
    let header = request.headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Reads an `application/x-www-form-urlencoded` body.
fn form_body(request: &Request) -> Result<HashMap<String, String>, Reply> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Reply::oauth_error(
            400,
            "invalid_request",
            "The body must be application/x-www-form-urlencoded.",
        ));
    }
    Ok(url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect())
}
