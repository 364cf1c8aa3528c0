//! The request executor every SDK sends through: one reqwest client, the
//! retry loop, response classification, rate-limit bookkeeping and tracing.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::StatusCode;
use tracing::Instrument;

use crate::error::{Delivery, Error, Result, TransportError};
use crate::rate_limit::{QuotaLimiter, RateLimit, RateLimitState};
use crate::response::{ApiProtocol, BodyRead, Response, classify};
use crate::retry::{Idempotency, RetryDecision, RetryPolicy};
use crate::settings::HttpSettings;
use crate::time::{Timer, TokioTimer};

/// The timeout class of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutClass {
    /// A JSON call: the settings' request timeout.
    Call,
    /// An upload chunk: the settings' per-chunk timeout.
    UploadChunk,
}

/// The executor's description of one logical call.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    operation: &'static str,
    idempotency: Idempotency,
    timeout: TimeoutClass,
    accepted: Vec<StatusCode>,
    quota_key: Option<&'static str>,
    retry: Option<RetryPolicy>,
    sensitive: bool,
}

impl RequestSpec {
    /// Creates the spec of a call named `operation` (used in logs and errors).
    pub fn new(operation: &'static str, idempotency: Idempotency) -> RequestSpec {
        RequestSpec {
            operation,
            idempotency,
            timeout: TimeoutClass::Call,
            accepted: Vec::new(),
            quota_key: None,
            retry: None,
            sensitive: false,
        }
    }

    /// Creates the spec of a safe-to-repeat call.
    pub fn idempotent(operation: &'static str) -> RequestSpec {
        RequestSpec::new(operation, Idempotency::Idempotent)
    }

    /// Creates the spec of a call that creates something visible.
    pub fn creating(operation: &'static str) -> RequestSpec {
        RequestSpec::new(operation, Idempotency::Creating)
    }

    /// Uses the per-chunk upload timeout instead of the call timeout.
    pub fn upload_chunk(mut self) -> Self {
        self.timeout = TimeoutClass::UploadChunk;
        self
    }

    /// Treats `status` as a usable response instead of an error.
    pub fn accept_status(mut self, status: StatusCode) -> Self {
        self.accepted.push(status);
        self
    }

    /// Counts the call against the client-side quota named `key`.
    pub fn quota(mut self, key: &'static str) -> Self {
        self.quota_key = Some(key);
        self
    }

    /// Marks the call's responses as carrying secrets (token endpoints): text
    /// from an unusable body is then kept out of errors and logs.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Overrides the client's retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Returns the operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Returns the idempotency.
    pub fn idempotency(&self) -> Idempotency {
        self.idempotency
    }
}

/// Everything an [`HttpClient`] is built from.
#[derive(Debug, Clone)]
pub struct HttpClientConfig {
    /// Client settings.
    pub settings: HttpSettings,
    /// Retry limits.
    pub retry: RetryPolicy,
    /// Clock and sleep; [`TokioTimer`] unless a test injects another.
    pub timer: Arc<dyn Timer>,
    /// Optional client-side quotas.
    pub limiter: Option<QuotaLimiter>,
    /// `<crate>/<version>` of the SDK, used unless the settings name another.
    pub user_agent: String,
}

impl HttpClientConfig {
    /// Default settings and retries for the SDK named by `user_agent`.
    pub fn new(user_agent: impl Into<String>) -> HttpClientConfig {
        HttpClientConfig {
            settings: HttpSettings::default(),
            retry: RetryPolicy::default(),
            timer: Arc::new(TokioTimer),
            limiter: None,
            user_agent: user_agent.into(),
        }
    }
}

/// Sends requests for one SDK client. Cheap to clone; clones share the
/// connection pool and the rate-limit state.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    settings: HttpSettings,
    retry: RetryPolicy,
    timer: Arc<dyn Timer>,
    limiter: Option<QuotaLimiter>,
    protocol: Arc<dyn ApiProtocol>,
    rate_limits: RateLimitState,
}

impl HttpClient {
    /// Builds the executor for a platform.
    pub fn new(config: HttpClientConfig, protocol: Arc<dyn ApiProtocol>) -> Result<HttpClient> {
        let client = config.settings.build_client(&config.user_agent)?;
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                settings: config.settings,
                retry: config.retry,
                timer: config.timer,
                limiter: config.limiter,
                protocol,
                rate_limits: RateLimitState::default(),
            }),
        })
    }

    /// Returns the underlying reqwest client.
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.inner.client
    }

    /// Returns the clock used for retries and polling.
    pub fn timer(&self) -> &Arc<dyn Timer> {
        &self.inner.timer
    }

    /// Returns the retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Returns the platform protocol.
    pub fn protocol(&self) -> &Arc<dyn ApiProtocol> {
        &self.inner.protocol
    }

    /// Returns the HTTP settings.
    pub fn settings(&self) -> &HttpSettings {
        &self.inner.settings
    }

    /// Returns the last rate-limit state seen per window.
    pub fn rate_limits(&self) -> Vec<RateLimit> {
        self.inner.rate_limits.snapshot()
    }

    /// Returns the rate-limit bookkeeping shared by clones of this client.
    pub fn rate_limit_state(&self) -> &RateLimitState {
        &self.inner.rate_limits
    }

    /// Sends the request `build` makes, retrying as the policy and the
    /// request's idempotency allow, and classifies the response.
    ///
    /// `build` is called once per attempt, so a retry gets a fresh body (a
    /// file slice is reopened) and a fresh signature.
    pub async fn execute<F>(&self, spec: &RequestSpec, mut build: F) -> Result<Response>
    where
        F: FnMut(&reqwest::Client) -> Result<reqwest::RequestBuilder>,
    {
        let policy = spec.retry.unwrap_or(self.inner.retry);
        let platform = self.inner.protocol.platform();
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            let span = tracing::debug_span!(
                "request",
                platform = %platform,
                operation = spec.operation,
                attempt
            );
            let result = self.attempt(spec, &mut build).instrument(span).await;
            let error = match result {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            let decision =
                policy.decide(spec.idempotency, attempt, waited, &error, fastrand::f64());
            match decision {
                RetryDecision::Retry { delay, reason } => {
                    tracing::warn!(
                        platform = %platform,
                        operation = spec.operation,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        ?reason,
                        error = %error,
                        "retrying request"
                    );
                    self.inner.timer.sleep(delay).await;
                    waited += delay;
                    attempt += 1;
                }
                RetryDecision::Stop(stop) => {
                    tracing::debug!(operation = spec.operation, attempt, ?stop, "not retrying");
                    return Err(error);
                }
            }
        }
    }

    async fn attempt<F>(&self, spec: &RequestSpec, build: &mut F) -> Result<Response>
    where
        F: FnMut(&reqwest::Client) -> Result<reqwest::RequestBuilder>,
    {
        if let (Some(limiter), Some(key)) = (&self.inner.limiter, spec.quota_key) {
            limiter.acquire(key).await;
        }
        let timeout = match spec.timeout {
            TimeoutClass::Call => self.inner.settings.request_timeout_value(),
            TimeoutClass::UploadChunk => self.inner.settings.chunk_timeout_value(),
        };
        let request = build(&self.inner.client)?.timeout(timeout);
        let platform = self.inner.protocol.platform();

        tracing::debug!("sending");
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(platform, spec.operation, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = self.inner.settings.max_response_bytes_value();
        let body = match read_body(response, limit).await {
            Ok(body) => body,
            Err(e) => return Err(transport_error(platform, spec.operation, e)),
        };
        tracing::debug!(status = status.as_u16(), "received");

        let result = classify(
            self.inner.protocol.as_ref(),
            status,
            headers,
            body,
            &spec.accepted,
            self.now(),
        );
        match &result {
            Ok(response) => self.inner.rate_limits.update(response.rate_limits()),
            Err(error) => self.inner.rate_limits.update(error.rate_limits()),
        }
        match result {
            Err(Error::UnexpectedResponse(mut unexpected)) if spec.sensitive => {
                unexpected.withhold_snippet();
                Err(Error::UnexpectedResponse(unexpected))
            }
            other => other,
        }
    }

    fn now(&self) -> SystemTime {
        self.inner.timer.now()
    }
}

/// Wraps a reqwest error, with the URL removed (it may carry a token in
/// its query) and the delivery judged from the failure's stage.
pub fn transport_error(
    platform: crate::error::Platform,
    operation: &'static str,
    error: reqwest::Error,
) -> Error {
    if error.is_builder() {
        let error = error.without_url();
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        return Error::invalid_input(
            "request",
            format!("the request could not be built: {detail}"),
        );
    }
    // A connect failure (refused, DNS, TLS handshake, connect timeout) means
    // no byte of the request reached the server.
    let delivery = if error.is_connect() {
        Delivery::NotSent
    } else {
        Delivery::Unknown
    };
    let timed_out = error.is_timeout();
    TransportError::new(
        platform,
        operation,
        delivery,
        timed_out,
        error.without_url(),
    )
    .into()
}

/// Reads the body up to `limit` bytes. A timeout while reading is returned
/// as an error, because it is a transport failure. A body cut short, broken
/// compression or a body over the limit is an incomplete read.
async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> std::result::Result<BodyRead, reqwest::Error> {
    let mut body = bytes::BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Ok(BodyRead::Incomplete(format!(
                        "the body is larger than {limit} bytes, the limit set by HttpSettings::max_response_bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(BodyRead::Complete(body.freeze())),
            Err(e) if e.is_timeout() => return Err(e),
            Err(e) => return Ok(BodyRead::Incomplete(describe_body_error(&e))),
        }
    }
}

fn describe_body_error(error: &reqwest::Error) -> String {
    let mut text = "the body could not be read completely or decoded".to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests;
