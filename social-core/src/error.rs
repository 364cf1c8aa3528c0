//! The error type shared by every SDK of the workspace.
//!
//! One [`Error`] enum covers everything a call can end with, so an application
//! that publishes to several platforms matches one type. Each variant wraps a
//! struct whose fields sit behind accessors, so new fields can be added
//! without breaking callers.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http::StatusCode;

use crate::rate_limit::RateLimit;

/// Result alias used across the workspace.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Boxed error used as the source of [`AuthError`] and similar wrappers.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The platform a request was sent to; printed first in every error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// X (formerly Twitter), API v2.
    X,
    /// YouTube Data API v3.
    YouTube,
    /// TikTok Content Posting API.
    TikTok,
    /// Facebook Graph API (Pages).
    Facebook,
    /// Instagram Graph API (content publishing).
    Instagram,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::X => "X",
            Platform::YouTube => "YouTube",
            Platform::TikTok => "TikTok",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
        })
    }
}

/// The kind of failure an API error is, independent of the platform's codes.
///
/// Each SDK maps its platform's codes onto these kinds, so retry logic and
/// applications can branch on one vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The access token is invalid, expired or revoked.
    InvalidToken,
    /// The token is valid but lacks a permission or scope for this call.
    PermissionDenied,
    /// Too many requests in a short window; retry after the indicated time.
    RateLimited,
    /// A daily or billing quota is used up; retrying today will not help.
    QuotaExceeded,
    /// The platform rejected the content as a duplicate of an earlier post.
    Duplicate,
    /// The object (post, media, upload session) does not exist.
    NotFound,
    /// The request itself is invalid: a bad parameter, field or media file.
    InvalidRequest,
    /// The account cannot use this feature (personal account, unaudited app).
    AccountNotEligible,
    /// The platform failed on its side (5xx or a documented transient code).
    ServerError,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// Returns the kind a bare HTTP status implies when the body gives nothing more.
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            401 => ErrorKind::InvalidToken,
            403 => ErrorKind::PermissionDenied,
            404 | 410 => ErrorKind::NotFound,
            409 => ErrorKind::Duplicate,
            429 => ErrorKind::RateLimited,
            400 | 405..=408 | 411..=428 | 431..=499 => ErrorKind::InvalidRequest,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            ErrorKind::InvalidToken => "invalid token",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::QuotaExceeded => "quota exceeded",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::NotFound => "not found",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::AccountNotEligible => "account not eligible",
            ErrorKind::ServerError => "server error",
            ErrorKind::Other => "error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a failed request may have reached the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// The request provably never reached the server (for example, the
    /// connection was refused), so sending it again cannot create a duplicate.
    NotSent,
    /// The request may have been received and acted on. Check the platform's
    /// state before sending a creating request again.
    Unknown,
}

/// Every way a call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform returned an error it documents.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The body could not be used: an HTML page, plain text, an empty or
    /// truncated body, or JSON without a required field.
    #[error(transparent)]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// The connection failed: connect, TLS, reset or timeout.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// Credentials are missing, could not be refreshed, or need re-authorization.
    #[error(transparent)]
    Auth(Box<AuthError>),
    /// An input was rejected before any request was sent.
    #[error(transparent)]
    InvalidInput(Box<InvalidInput>),
    /// A local file could not be read.
    #[error(transparent)]
    Io(Box<IoError>),
    /// The platform processed uploaded media and reported a failure.
    #[error(transparent)]
    Processing(Box<ProcessingError>),
    /// Our deadline for a long-running operation passed; the id is kept.
    #[error(transparent)]
    Timeout(Box<TimeoutError>),
}

impl Error {
    /// Returns the platform-independent kind of this error.
    ///
    /// Responses that could not be parsed get the kind their HTTP status
    /// implies; local failures are [`ErrorKind::InvalidRequest`] (bad input),
    /// [`ErrorKind::InvalidToken`] (auth) or [`ErrorKind::Other`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(e) => e.kind,
            Error::UnexpectedResponse(e) => {
                e.status.map_or(ErrorKind::Other, ErrorKind::from_status)
            }
            Error::Auth(_) => ErrorKind::InvalidToken,
            Error::InvalidInput(_) => ErrorKind::InvalidRequest,
            Error::Transport(_) | Error::Io(_) | Error::Processing(_) | Error::Timeout(_) => {
                ErrorKind::Other
            }
        }
    }

    /// Tells whether trying the same operation again later can succeed.
    ///
    /// This ignores idempotency: a creating request that failed with a 5xx is
    /// "retryable" here, but the SDK never repeats it by itself because the
    /// first attempt may have created the post. See [`Error::delivery`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.transient.unwrap_or(matches!(
                e.kind,
                ErrorKind::RateLimited | ErrorKind::ServerError
            )),
            Error::UnexpectedResponse(e) => {
                e.body_kind == UnexpectedBody::Incomplete
                    || e.status
                        .is_some_and(|s| s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS)
            }
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Processing(e) => e.retryable,
            Error::Auth(_) | Error::InvalidInput(_) | Error::Io(_) => false,
        }
    }

    /// Returns the wait the platform requested, when it named one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            Error::UnexpectedResponse(e) => e.retry_after,
            _ => None,
        }
    }

    /// Returns the platform's request id (fbtrace_id, x-transaction-id, log_id, ...).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::UnexpectedResponse(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Returns the HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => e.status,
            Error::UnexpectedResponse(e) => e.status,
            _ => None,
        }
    }

    /// Tells whether the failed request may have reached the platform.
    ///
    /// `Some(Delivery::Unknown)` for transport failures after sending, for
    /// 2xx and 5xx responses whose body is an error or unusable, and for
    /// bodies cut off mid-way, where the platform may have acted.
    /// `Some(Delivery::NotSent)` when the connection never carried the
    /// request, and `None` when the platform clearly rejected it (4xx).
    pub fn delivery(&self) -> Option<Delivery> {
        match self {
            Error::Transport(e) => Some(e.delivery),
            Error::UnexpectedResponse(e) if e.body_kind == UnexpectedBody::Incomplete => {
                Some(Delivery::Unknown)
            }
            // A 2xx reached the platform and may have been acted on even if
            // its body is unusable, and a 5xx may have failed after acting.
            Error::Api(_) | Error::UnexpectedResponse(_) => self
                .status()
                .filter(|s| s.is_server_error() || s.is_success())
                .map(|_| Delivery::Unknown),
            _ => None,
        }
    }

    /// Returns the rate-limit state the failed response carried.
    pub fn rate_limits(&self) -> &[RateLimit] {
        match self {
            Error::Api(e) => &e.rate_limits,
            Error::UnexpectedResponse(e) => &e.rate_limits,
            _ => &[],
        }
    }

    /// Returns the API error, when the platform returned one it documents.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Builds an [`Error::InvalidInput`] for `field`.
    pub fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput(Box::new(InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }))
    }

    /// Builds an [`Error::Io`] for a file at `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io(Box::new(IoError {
            path: path.into(),
            source,
        }))
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<UnexpectedResponse> for Error {
    fn from(e: UnexpectedResponse) -> Self {
        Error::UnexpectedResponse(Box::new(e))
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(Box::new(e))
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(Box::new(e))
    }
}

impl From<ProcessingError> for Error {
    fn from(e: ProcessingError) -> Self {
        Error::Processing(Box::new(e))
    }
}

impl From<TimeoutError> for Error {
    fn from(e: TimeoutError) -> Self {
        Error::Timeout(Box::new(e))
    }
}

/// An error the platform documents, parsed from its error body.
#[derive(Debug, Clone)]
pub struct ApiError {
    platform: Platform,
    kind: ErrorKind,
    status: Option<StatusCode>,
    code: Option<String>,
    subcode: Option<String>,
    message: String,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    rate_limits: Vec<RateLimit>,
    transient: Option<bool>,
    user_title: Option<String>,
    user_message: Option<String>,
    body: Option<serde_json::Value>,
}

impl ApiError {
    /// Creates an API error; the remaining fields are set with the `with_*` methods.
    /// The message is cut to 1000 characters.
    pub fn new(platform: Platform, kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            platform,
            kind,
            status: None,
            code: None,
            subcode: None,
            message: truncate_chars(&message.into(), 1_000),
            request_id: None,
            retry_after: None,
            rate_limits: Vec::new(),
            transient: None,
            user_title: None,
            user_message: None,
            body: None,
        }
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the platform's error code (kept as text: codes may be numbers or words).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the platform's error subcode.
    pub fn with_subcode(mut self, subcode: impl Into<String>) -> Self {
        self.subcode = Some(subcode.into());
        self
    }

    /// Sets the request id, unless one is already set.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        if self.request_id.is_none() {
            self.request_id = request_id;
        }
        self
    }

    /// Sets how long the platform asked us to wait.
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay.or(self.retry_after);
        self
    }

    /// Sets the rate-limit state read from the response headers.
    pub fn with_rate_limits(mut self, rate_limits: Vec<RateLimit>) -> Self {
        self.rate_limits = rate_limits;
        self
    }

    /// Records the platform's own statement on whether the error is transient
    /// (Graph's `is_transient`, for example); it overrides the kind's default.
    pub fn with_transient(mut self, transient: bool) -> Self {
        self.transient = Some(transient);
        self
    }

    /// Sets the text the platform intends for end users (Graph's
    /// `error_user_title` and `error_user_msg`).
    pub fn with_user_text(mut self, title: Option<String>, message: Option<String>) -> Self {
        self.user_title = title;
        self.user_message = message;
        self
    }

    /// Keeps the whole error body, so an SDK can read fields this type has no
    /// accessor for (Graph's `error_data`, say).
    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Replaces the kind.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Returns the platform that returned the error.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns the platform-independent kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Returns the HTTP status, when the error came with a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Returns the platform's error code.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Returns the platform's error subcode.
    pub fn subcode(&self) -> Option<&str> {
        self.subcode.as_deref()
    }

    /// Returns the platform's message (may be translated into the caller's language).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the platform's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Returns how long the platform asked us to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Returns the rate-limit state of the response.
    pub fn rate_limits(&self) -> &[RateLimit] {
        &self.rate_limits
    }

    /// Returns the platform's own transient flag, when it sent one.
    pub fn transient(&self) -> Option<bool> {
        self.transient
    }

    /// Returns the title the platform intends for end users.
    pub fn user_title(&self) -> Option<&str> {
        self.user_title.as_deref()
    }

    /// Returns the message the platform intends for end users.
    pub fn user_message(&self) -> Option<&str> {
        self.user_message.as_deref()
    }

    /// Returns the whole error body, when the SDK kept it.
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.body.as_ref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} API error", self.platform)?;
        if let Some(status) = self.status {
            write!(f, ", HTTP {}", status.as_u16())?;
        }
        write!(f, ", {}", self.kind)?;
        match (&self.code, &self.subcode) {
            (Some(code), Some(sub)) => write!(f, ", code {code}/{sub}")?,
            (Some(code), None) => write!(f, ", code {code}")?,
            (None, Some(sub)) => write!(f, ", subcode {sub}")?,
            (None, None) => {}
        }
        write!(f, ": {}", one_line(&self.message))?;
        if let Some(delay) = self.retry_after {
            write!(f, " (retry after {}s)", delay.as_secs())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The reason a response body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnexpectedBody {
    /// An HTML page (a proxy error, a maintenance page, a captive portal).
    HtmlPage,
    /// Plain text or another non-JSON type.
    Text,
    /// No body where one was needed.
    Empty,
    /// JSON that does not parse: cut off or malformed.
    InvalidJson,
    /// The connection ended before the whole body arrived, or its
    /// compression was broken.
    Incomplete,
    /// Valid JSON without a required field or with a field of the wrong type.
    MissingField,
    /// A status this call does not expect (a redirect, for example).
    UnexpectedStatus,
}

impl UnexpectedBody {
    fn label(self) -> &'static str {
        match self {
            UnexpectedBody::HtmlPage => "HTML page",
            UnexpectedBody::Text => "non-JSON body",
            UnexpectedBody::Empty => "empty body",
            UnexpectedBody::InvalidJson => "invalid or truncated JSON",
            UnexpectedBody::Incomplete => "incomplete body",
            UnexpectedBody::MissingField => "unexpected JSON",
            UnexpectedBody::UnexpectedStatus => "unexpected status",
        }
    }
}

/// A response whose body could not be used.
#[derive(Debug, Clone)]
pub struct UnexpectedResponse {
    platform: Platform,
    body_kind: UnexpectedBody,
    status: Option<StatusCode>,
    content_type: Option<String>,
    snippet: String,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    rate_limits: Vec<RateLimit>,
}

impl UnexpectedResponse {
    /// Creates the error; `snippet` is shortened to at most 200 characters.
    pub fn new(
        platform: Platform,
        body_kind: UnexpectedBody,
        status: Option<StatusCode>,
        snippet: impl Into<String>,
    ) -> UnexpectedResponse {
        UnexpectedResponse {
            platform,
            body_kind,
            status,
            content_type: None,
            snippet: truncate_chars(&one_line(&snippet.into()), 200),
            request_id: None,
            retry_after: None,
            rate_limits: Vec::new(),
        }
    }

    /// Sets the response's `Content-Type`.
    pub fn with_content_type(mut self, content_type: Option<String>) -> Self {
        self.content_type = content_type;
        self
    }

    /// Sets the request id read from the headers.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Sets the wait the response asked for (`Retry-After`).
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    /// Sets the rate-limit state read from the headers.
    pub fn with_rate_limits(mut self, rate_limits: Vec<RateLimit>) -> Self {
        self.rate_limits = rate_limits;
        self
    }

    /// Returns the platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns what was wrong with the body.
    pub fn body_kind(&self) -> UnexpectedBody {
        self.body_kind
    }

    /// Returns the HTTP status.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Returns the `Content-Type` of the response.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Returns a short text from the body: an HTML page's title, the start of
    /// a text body, or the name of the missing field.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// Returns the request id read from the headers.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Returns the wait the response asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Returns the rate-limit state read from the headers.
    pub fn rate_limits(&self) -> &[RateLimit] {
        &self.rate_limits
    }

    /// Drops the body snippet, for responses of calls whose bodies carry
    /// secrets (token endpoints).
    pub(crate) fn withhold_snippet(&mut self) {
        if !self.snippet.is_empty() {
            self.snippet = "[withheld: the body of this call may contain tokens]".to_owned();
        }
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: unexpected response", self.platform)?;
        if let Some(status) = self.status {
            write!(f, ", HTTP {}", status.as_u16())?;
        }
        if let Some(ct) = &self.content_type {
            write!(f, " ({})", one_line(ct))?;
        }
        write!(f, ": {}", self.body_kind.label())?;
        if !self.snippet.is_empty() {
            write!(f, " \"{}\"", self.snippet)?;
        }
        if let Some(delay) = self.retry_after {
            write!(f, " (retry after {}s)", delay.as_secs())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnexpectedResponse {}

/// A connection-level failure: connect, TLS, reset or timeout.
#[derive(Debug)]
pub struct TransportError {
    platform: Platform,
    operation: &'static str,
    delivery: Delivery,
    timed_out: bool,
    source: BoxError,
}

impl TransportError {
    /// Wraps a transport failure of `operation`.
    pub fn new(
        platform: Platform,
        operation: &'static str,
        delivery: Delivery,
        timed_out: bool,
        source: impl Into<BoxError>,
    ) -> TransportError {
        TransportError {
            platform,
            operation,
            delivery,
            timed_out,
            source: source.into(),
        }
    }

    /// Returns the platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns the operation that failed, such as `create_post`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Tells whether the request may have reached the platform.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    /// Tells whether a timeout ended the request.
    pub fn is_timeout(&self) -> bool {
        self.timed_out
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.timed_out {
            "timed out"
        } else {
            "failed"
        };
        write!(f, "{}: {} {what}", self.platform, self.operation)?;
        match self.delivery {
            Delivery::NotSent => f.write_str(" before the request was sent"),
            Delivery::Unknown => f.write_str(
                " after the request was sent, so it may have reached the platform; \
                 if it creates something, check before sending it again",
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Missing or unusable credentials.
#[derive(Debug)]
pub struct AuthError {
    platform: Platform,
    message: String,
    reauthorize: bool,
    pub(crate) source: Option<BoxError>,
}

impl AuthError {
    /// Creates an auth error. `message` states what is wrong and what to do.
    pub fn new(platform: Platform, message: impl Into<String>) -> AuthError {
        AuthError {
            platform,
            message: message.into(),
            reauthorize: false,
            source: None,
        }
    }

    /// Marks the error as needing a new authorization by the user (a revoked
    /// or expired refresh token, say); no automatic step can fix it.
    pub fn needs_reauthorization(mut self) -> Self {
        self.reauthorize = true;
        self
    }

    /// Keeps the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Returns the platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns the explanation.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Tells whether the user must authorize the application again.
    pub fn requires_reauthorization(&self) -> bool {
        self.reauthorize
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: authentication failed: {}",
            self.platform, self.message
        )
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// An input rejected before any request was sent.
#[derive(Debug, Clone)]
pub struct InvalidInput {
    field: String,
    reason: String,
}

impl InvalidInput {
    /// Returns the name of the rejected field or argument.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Returns why it was rejected and what to do.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidInput {}

/// A local file that could not be read.
#[derive(Debug)]
pub struct IoError {
    path: PathBuf,
    source: std::io::Error,
}

impl IoError {
    /// Returns the file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An OS error stays in the source chain. A reason of our own (a file
        // changed mid-upload) is the point of the error, so it is printed.
        if self.source.kind() == std::io::ErrorKind::Other {
            write!(f, "cannot use {}: {}", self.path.display(), self.source)
        } else {
            write!(f, "cannot read {}", self.path.display())
        }
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The platform finished processing media (or a post) and reported a failure.
#[derive(Debug, Clone)]
pub struct ProcessingError {
    platform: Platform,
    id: String,
    state: String,
    code: Option<String>,
    reason: Option<String>,
    retryable: bool,
}

impl ProcessingError {
    /// Creates the error for the object `id` that ended in `state`.
    pub fn new(platform: Platform, id: impl Into<String>, state: impl Into<String>) -> Self {
        ProcessingError {
            platform,
            id: id.into(),
            state: state.into(),
            code: None,
            reason: None,
            retryable: false,
        }
    }

    /// Sets the platform's failure code and explanation.
    pub fn with_reason(mut self, code: Option<String>, reason: Option<String>) -> Self {
        self.code = code;
        self.reason = reason;
        self
    }

    /// Marks the failure as worth retrying with a new upload (a platform-side fault).
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Returns the platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns the id of the media, container or publish job.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Returns the final state the platform reported.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Returns the platform's failure code (`InvalidMedia`, `picture_size_check_failed`, ...).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Returns the platform's explanation.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Tells whether a new attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

impl fmt::Display for ProcessingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: processing of {} failed with state {}",
            self.platform, self.id, self.state
        )?;
        match (&self.code, &self.reason) {
            (Some(code), Some(reason)) => write!(f, ": {code}: {}", one_line(reason)),
            (Some(code), None) => write!(f, ": {code}"),
            (None, Some(reason)) => write!(f, ": {}", one_line(reason)),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for ProcessingError {}

/// Our deadline for a long-running operation passed before it finished.
#[derive(Debug, Clone)]
pub struct TimeoutError {
    platform: Platform,
    id: String,
    last_state: Option<String>,
    waited: Duration,
}

impl TimeoutError {
    /// Creates the error for the object `id`, last seen in `last_state`.
    pub fn new(
        platform: Platform,
        id: impl Into<String>,
        last_state: Option<String>,
        waited: Duration,
    ) -> Self {
        TimeoutError {
            platform,
            id: id.into(),
            last_state,
            waited,
        }
    }

    /// Returns the platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// Returns the id to check later (media id, container id, publish id).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Returns the last state the platform reported.
    pub fn last_state(&self) -> Option<&str> {
        self.last_state.as_deref()
    }

    /// Returns how long we waited.
    pub fn waited(&self) -> Duration {
        self.waited
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} did not finish within {}s",
            self.platform,
            self.id,
            self.waited.as_secs()
        )?;
        if let Some(state) = &self.last_state {
            write!(f, " (last state {state})")?;
        }
        f.write_str("; it may still finish, so check it again later with this id")
    }
}

impl std::error::Error for TimeoutError {}

/// Replaces line breaks and other control characters with spaces, so a
/// message always prints on one line.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    out.trim().to_owned()
}

/// Cuts `text` to at most `max` characters, adding an ellipsis when cut.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
