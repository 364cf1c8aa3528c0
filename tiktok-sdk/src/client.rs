//! The client, and the one path every JSON call takes: bearer token,
//! envelope decoding, and one refresh after a rejected token.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use social_core::secret::authorization_header;
use social_core::{
    AuthError, Error, ErrorKind, HttpClient, Platform, PollSettings, RequestSpec, Response, Result,
    Secret, Timer, TokenProvider,
};
use url::Url;

mod builder;

pub use builder::ClientBuilder;

/// TikTok's API host.
pub const DEFAULT_BASE_URL: &str = "https://open.tiktokapis.com/";

/// The API version in every path, such as `/v2/post/publish/video/init/`.
pub const DEFAULT_API_VERSION: &str = "v2";

/// A client of the Content Posting API for one user's access token.
///
/// Cheap to clone, and clones share connections, token refreshes and the
/// client-side rate limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: HttpClient,
    upload: HttpClient,
    base_url: Url,
    api_version: String,
    tokens: Arc<dyn TokenProvider>,
    poll: PollSettings,
    limited: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_version", &self.inner.api_version)
            .field("tokens", &self.inner.tokens)
            .field("poll", &self.inner.poll)
            .field("client_side_limits", &self.inner.limited)
            .finish_non_exhaustive()
    }
}

/// A decoded envelope: the `data` member and the envelope's `log_id`.
pub(crate) struct Reply<T> {
    pub(crate) data: T,
    pub(crate) log_id: Option<String>,
    pub(crate) status: StatusCode,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
    error: EnvelopeError,
}

#[derive(Deserialize)]
struct EnvelopeError {
    // Required, because only `"ok"` means success. The protocol has already
    // turned every other code into an error.
    #[serde(rename = "code")]
    _code: String,
    #[serde(default)]
    log_id: Option<String>,
    #[serde(default)]
    logid: Option<String>,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `TIKTOK_ACCESS_TOKEN` and, when set,
    /// `TIKTOK_BASE_URL`.
    ///
    /// The token cannot be refreshed. For refreshing tokens, build a
    /// provider with [`OAuthClient::token_provider`](crate::auth::OAuthClient::token_provider)
    /// and pass it to [`ClientBuilder::token_provider`], so rotated refresh
    /// tokens reach your storage.
    pub fn from_env() -> Result<Client> {
        let token = std::env::var("TIKTOK_ACCESS_TOKEN").map_err(|_| {
            Error::invalid_input(
                "TIKTOK_ACCESS_TOKEN",
                "the environment variable is not set; set it to a user access token (act.…)",
            )
        })?;
        let mut builder = Client::builder().access_token(token);
        if let Ok(base_url) = std::env::var("TIKTOK_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        builder.build()
    }

    /// Returns the polling settings used by [`Client::wait_for_publish`].
    pub fn poll_settings(&self) -> PollSettings {
        self.inner.poll
    }

    /// Returns the clock used for retries, polling and token expiry.
    pub fn timer(&self) -> &Arc<dyn Timer> {
        self.inner.api.timer()
    }

    pub(crate) fn upload_http(&self) -> &HttpClient {
        &self.inner.upload
    }

    /// Sends a JSON `POST` to `endpoint` (a path under the API version, such
    /// as `post/publish/video/init/`) and decodes the envelope's `data`.
    ///
    /// A rejected access token is refreshed once and the call sent again.
    /// TikTok rejected the first one, so nothing was created by it.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        spec: &RequestSpec,
        endpoint: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply<T>> {
        let url = self.endpoint_url(endpoint)?;
        let body = match body {
            Some(value) => Some(Bytes::from(serde_json::to_vec(value).map_err(|e| {
                Error::invalid_input("request", format!("the body could not be encoded: {e}"))
            })?)),
            None => None,
        };
        let send = |token: Secret| {
            let (url, body, http) = (&url, &body, &self.inner.api);
            async move {
                let response = http
                    .execute(spec, |client| build_post(client, url, &token, body.clone()))
                    .await?;
                decode_envelope(&response)
            }
        };

        let tokens = self.inner.tokens.as_ref();
        let token = tokens.access_token().await?;
        let rejection = match send(token.clone()).await {
            Err(error) if is_rejected_token(&error) => error,
            other => return other,
        };
        tracing::debug!(error = %rejection, "access token rejected, refreshing once");
        // NOTE: social_core::auth::with_token_refresh does the same, but
        // drops TikTok's rejection (code, log_id) when the refresh fails;
        // here it stays as the source of the returned AuthError.
        let fresh = tokens
            .refresh_rejected(&token)
            .await
            .map_err(|refresh_error| with_rejection(refresh_error, rejection))?;
        send(fresh).await
    }

    fn endpoint_url(&self, endpoint: &str) -> Result<Url> {
        let path = format!("{}/{endpoint}", self.inner.api_version);
        self.inner.base_url.join(&path).map_err(|e| {
            Error::invalid_input(
                "base_url",
                format!("`{path}` could not be joined to it ({e})"),
            )
        })
    }
}

fn build_post(
    client: &reqwest::Client,
    url: &Url,
    token: &Secret,
    body: Option<Bytes>,
) -> Result<reqwest::RequestBuilder> {
    // A token a header cannot carry (a line break, a space, non-ASCII) is an
    // error, never a request sent without credentials.
    let authorization = authorization_header(Platform::TikTok, "Bearer", token)?;
    let request = client
        .post(url.clone())
        .header(http::header::AUTHORIZATION, authorization)
        .header(
            http::header::CONTENT_TYPE,
            "application/json; charset=UTF-8",
        );
    Ok(match body {
        Some(body) => request.body(body),
        None => request,
    })
}

fn is_rejected_token(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.kind() == ErrorKind::InvalidToken)
}

/// Keeps TikTok's rejection of the token as the source of a failed refresh
/// that has no cause of its own (a provider without a refresh path).
fn with_rejection(refresh_error: Error, rejection: Error) -> Error {
    let Error::Auth(auth) = refresh_error else {
        return refresh_error;
    };
    let Error::Api(api) = rejection else {
        return Error::Auth(auth);
    };
    if std::error::Error::source(&*auth).is_some() {
        return Error::Auth(auth);
    }
    let mut error = AuthError::new(auth.platform(), auth.message()).with_source(*api);
    if auth.requires_reauthorization() {
        error = error.needs_reauthorization();
    }
    error.into()
}

fn decode_envelope<T: DeserializeOwned>(response: &Response) -> Result<Reply<T>> {
    let envelope: Envelope<T> = response.json()?;
    Ok(Reply {
        data: envelope.data,
        log_id: envelope.error.log_id.or(envelope.error.logid),
        status: response.status(),
    })
}
