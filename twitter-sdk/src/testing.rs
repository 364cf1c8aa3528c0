//! A fake of the X API v2 on 127.0.0.1 for tests and demos (feature
//! `testing`).
//!
//! [`FakeX`] emulates X at the HTTP level:
//!
//! - OAuth 1.0a signatures are recomputed and checked, OAuth 2.0 refresh
//!   tokens rotate and are single use, app-only bearer tokens may only read;
//! - post bodies are checked against X's schema and limits (text length is
//!   counted in characters, not X's weighted count), and the same text twice
//!   is rejected as a duplicate;
//! - media go through `initialize`, `append`, `finalize` and scripted
//!   processing ([`ProcessingScript`]);
//! - every response carries X's rate-limit headers and an `x-transaction-id`;
//! - failures ([`Fault`]) can be injected for the next matching requests.
//!
//! Point a client at [`FakeX::base_url`] and use the credentials from
//! [`FakeX::oauth1`] or [`FakeX::oauth2`]. The fake keeps everything in
//! memory and never contacts X.
//!
//! Endpoints: `POST /2/tweets`, `GET` and `DELETE /2/tweets/{id}`,
//! `GET /2/users/me`, `POST /2/media/upload` (one-shot image),
//! `POST /2/media/upload/initialize`, `POST /2/media/upload/{id}/append`,
//! `POST /2/media/upload/{id}/finalize`,
//! `GET /2/media/upload?command=STATUS&media_id=…`, `POST /2/media/metadata`
//! (alt text), `POST /2/oauth2/token`
//! and `POST /oauth2/token` (app-only bearer). Any other path gets X's 404.
//!
//! # Example
//!
//! ```
//! use twitter_sdk::testing::FakeX;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeX::start().await;
//! let token = fake.oauth2().access_token;
//!
//! let response = reqwest::Client::builder()
//!     .no_proxy()
//!     .build()?
//!     .post(format!("{}2/tweets", fake.base_url()))
//!     .bearer_auth(token)
//!     .header("content-type", "application/json")
//!     .body(r#"{"text":"Hello from the fake"}"#)
//!     .send()
//!     .await?;
//!
//! assert_eq!(response.status(), 201);
//! assert_eq!(fake.posts()[0].text, "Hello from the fake");
//! assert_eq!(fake.request_count("POST", "/2/tweets"), 1);
//! # Ok(())
//! # }
//! ```

mod auth;
mod credentials;
mod faults;
mod media;
mod multipart;
mod oauth1;
mod oauth2;
mod post_body;
mod processing;
mod rate_limits;
mod records;
mod reply;
mod router;
mod state;
mod tweets;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use social_core::testing::{FaultFront, FaultRule};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub use credentials::{FakeOAuth1Credentials, FakeOAuth2Credentials, FakeUser};
pub use faults::Fault;
pub use processing::{ProcessingScript, ProcessingStep};
pub use records::{RecordedPoll, RecordedPost, RecordedRequest};

use faults::path_matches;
use router::Router;
use state::State;

/// A running fake of X. It stops when dropped.
pub struct FakeX {
    state: Arc<Mutex<State>>,
    front: FaultFront,
    base_url: String,
    // Kept alive for the fake's lifetime; the front forwards to it.
    _server: MockServer,
}

impl fmt::Debug for FakeX {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeX")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeX {
    /// Starts the fake on an ephemeral port of 127.0.0.1.
    ///
    /// # Panics
    ///
    /// Panics when no local port can be bound, as
    /// [`wiremock::MockServer::start`] does.
    pub async fn start() -> FakeX {
        let server = MockServer::start().await;
        let front = match FaultFront::start(&server.uri()).await {
            Ok(front) => front,
            Err(error) => {
                panic!("cannot start the fault front of the X fake on 127.0.0.1: {error}")
            }
        };
        let base_url = format!("{}/", front.url());
        let state = Arc::new(Mutex::new(State::new(base_url.clone())));
        let router = Router {
            state: state.clone(),
        };
        Mock::given(any()).respond_with(router).mount(&server).await;
        FakeX {
            state,
            front,
            base_url,
            _server: server,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the API base URL with a trailing `/`, such as
    /// `http://127.0.0.1:PORT/`. Every endpoint, the token endpoints
    /// included, lives under it, and OAuth 1.0a signatures are checked
    /// against it.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Returns the OAuth 1.0a credentials the fake accepts.
    pub fn oauth1(&self) -> FakeOAuth1Credentials {
        self.state().oauth1.clone()
    }

    /// Returns the OAuth 2.0 client credentials and the user token pair
    /// issued last (it changes with every refresh or code exchange).
    pub fn oauth2(&self) -> FakeOAuth2Credentials {
        let state = self.state();
        FakeOAuth2Credentials {
            client_id: state.tokens.client_id.clone(),
            client_secret: state.tokens.client_secret.clone(),
            access_token: state.tokens.current_access.clone(),
            refresh_token: state.tokens.current_refresh.clone(),
        }
    }

    /// Returns the app-only bearer token, as `POST /oauth2/token` issues it.
    /// It may read posts and nothing else.
    pub fn app_bearer_token(&self) -> String {
        self.state().tokens.app_bearer.clone()
    }

    /// Returns the account every user credential belongs to.
    pub fn user(&self) -> FakeUser {
        self.state().user.clone()
    }

    /// Treats the OAuth 2.0 client as public from now on: the token endpoint
    /// accepts `client_id` in the body instead of Basic auth. By default the
    /// client is confidential and must send
    /// `Authorization: Basic base64(client_id:client_secret)`.
    pub fn use_public_client(&self) {
        self.state().tokens.public_client = true;
    }

    /// Registers an authorization code for `grant_type=authorization_code`.
    ///
    /// `code_challenge` is the PKCE `S256` challenge: base64url of the
    /// SHA-256 of the verifier, without padding. The exchange must send the
    /// matching `code_verifier` and the same `redirect_uri`. A code works
    /// once.
    pub fn register_authorization_code(
        &self,
        code: &str,
        code_challenge: &str,
        redirect_uri: &str,
    ) {
        self.state()
            .tokens
            .register_code(code, code_challenge, redirect_uri);
    }

    /// Makes the current OAuth 2.0 access token rejected with 401 from now
    /// on, so the next call must refresh.
    pub fn expire_access_token(&self) {
        self.state().tokens.expire_current();
    }

    /// Makes every issued refresh token rejected (400 `invalid_request`), as
    /// when the user revoked the app: the client must ask the user to
    /// authorize again.
    pub fn revoke_refresh_tokens(&self) {
        self.state().tokens.revoke_refresh_tokens();
    }

    /// Returns how many `grant_type=refresh_token` requests arrived,
    /// accepted or not.
    pub fn refresh_count(&self) -> usize {
        self.state().tokens.refresh_received.len()
    }

    /// Returns the refresh tokens received, in order (an empty string for a
    /// request without one).
    pub fn refresh_tokens_received(&self) -> Vec<String> {
        self.state().tokens.refresh_received.clone()
    }

    /// Returns every post created, deleted ones included (see
    /// [`RecordedPost::deleted`]).
    pub fn posts(&self) -> Vec<RecordedPost> {
        self.state().posts.clone()
    }

    /// Sets the processing that videos and GIFs finalized from now on go
    /// through. The default is [`ProcessingScript::default`].
    pub fn set_processing(&self, script: ProcessingScript) {
        self.state().processing = script;
    }

    /// Returns the bytes received for media `id`, segments joined in index
    /// order, or `None` for an unknown id.
    pub fn uploaded_media(&self, id: &str) -> Option<Vec<u8>> {
        let state = self.state();
        let upload = state.media.get(id)?;
        Some(upload.segments.values().flatten().copied().collect())
    }

    /// Returns the alt text set on media `id` through `POST /2/media/metadata`.
    pub fn alt_text(&self, id: &str) -> Option<String> {
        self.state().media.get(id)?.alt_text.clone()
    }

    /// Makes the upload session of media `id` expired: appends and finalize
    /// then get 400. Returns `false` for an unknown id.
    pub fn expire_upload(&self, id: &str) -> bool {
        match self.state().media.get_mut(id) {
            Some(upload) => {
                upload.expired = true;
                true
            }
            None => false,
        }
    }

    /// Sets the 24-hour caps of `POST /2/tweets` (`x-user-limit-24hour-*`
    /// and `x-app-limit-24hour-*`) and restarts both windows. When one
    /// reaches 0, posts get 429 until its reset. The default is 10 000 each.
    pub fn set_daily_post_limits(&self, user: u32, app: u32) {
        self.state().limits.set_daily_post_limits(user, app);
    }

    /// Arms a fault for the next matching request(s).
    pub fn inject(&self, fault: Fault) {
        if let Fault::DropConnection { method, times, .. } = &fault {
            let rule = FaultRule::drop_connection(method.clone(), &fault.front_pattern(), *times);
            self.front.add_rule(rule);
            return;
        }
        self.state().faults.arm(fault);
    }

    /// Returns how many connections [`Fault::DropConnection`] dropped.
    pub fn dropped_connections(&self) -> usize {
        self.front.dropped()
    }

    /// Returns how many requests with this method (such as `"POST"` or
    /// `Method::POST`) reached the fake on paths starting with `path_prefix`
    /// (a `*` segment matches any one segment). Faulted requests count;
    /// dropped connections do not.
    pub fn request_count(&self, method: impl AsRef<str>, path_prefix: &str) -> usize {
        let method = method.as_ref();
        self.state()
            .log
            .iter()
            .filter(|request| request.method.eq_ignore_ascii_case(method))
            .filter(|request| path_matches(path_prefix, &request.path))
            .count()
    }

    /// Returns every request that reached the fake, in order, with
    /// credentials redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().log.clone()
    }
}
