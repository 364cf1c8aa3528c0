//! Reading Graph responses: errors classified by `code` and
//! `error_subcode`, usage headers, and the trace id.
//!
//! Graph returns HTTP 400 for nearly every error, translates `message` into
//! the request's language and sends `type: OAuthException` on errors that
//! have nothing to do with auth. So neither the status, the message nor the
//! type decides the kind: the code and subcode do.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde_json::Value;
use social_core::{ApiError, ApiProtocol, ErrorKind, Platform, RateLimit};

use super::error_details::{GraphErrorDetails, integer, redact_tokens, redact_value};
use super::usage;

/// The wait given to throttling codes (4, 17, 32, 341, 613, 80000–80014)
/// when neither `Retry-After` nor `estimated_time_to_regain_access` names
/// one. Meta documents no wait for them, so this is an estimate: throttled
/// calls keep adding to the usage count, so a quick retry makes things worse.
pub const THROTTLE_MIN_WAIT: Duration = Duration::from_secs(60);

/// The wait given to code 368 ("temporarily blocked", including subcode
/// 1390008, posting too fast) when the headers name none. Meta documents no
/// duration, so this is an estimate. It is longer than the default
/// `RetryPolicy::max_retry_after`, so by default the call returns
/// `RateLimited` at once instead of retrying.
pub const POLICY_BLOCK_MIN_WAIT: Duration = Duration::from_secs(15 * 60);

/// The header carrying the request's trace id on Graph responses.
// NOTE: the header name comes from observed responses, not from Meta's
// documentation; the body's `fbtrace_id` wins when both are present.
const TRACE_HEADER: &str = "x-fb-trace-id";

/// The treatment of one Graph error code (and subcode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The platform-independent kind.
    pub kind: ErrorKind,
    /// Overrides whether the error counts as transient.
    pub transient: Option<bool>,
    /// The wait used when the response's headers name none.
    pub min_wait: Option<Duration>,
    /// Text put before the platform's message, saying what happened and what to do.
    pub hint: Option<&'static str>,
}

impl Classification {
    /// Creates a classification with only a kind.
    pub const fn new(kind: ErrorKind) -> Classification {
        Classification {
            kind,
            transient: None,
            min_wait: None,
            hint: None,
        }
    }

    /// Marks the error as transient or not, whatever the kind implies.
    pub const fn transient(mut self, transient: bool) -> Classification {
        self.transient = Some(transient);
        self
    }

    /// Sets the wait used when the headers name none.
    pub const fn min_wait(mut self, wait: Duration) -> Classification {
        self.min_wait = Some(wait);
        self
    }

    /// Sets the explanation put before the platform's message.
    pub const fn hint(mut self, hint: &'static str) -> Classification {
        self.hint = Some(hint);
        self
    }
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    code: i64,
    subcode: Option<i64>,
    classification: Classification,
}

/// The [`ApiProtocol`] of the Graph API.
///
/// `platform` is the name printed in errors: `Platform::Facebook` here,
/// `Platform::Instagram` in `instagram-sdk`.
#[derive(Debug, Clone)]
pub struct GraphProtocol {
    platform: Platform,
    rules: Vec<Rule>,
}

impl GraphProtocol {
    /// Creates the protocol with the built-in Graph code table.
    pub fn new(platform: Platform) -> GraphProtocol {
        GraphProtocol {
            platform,
            rules: Vec::new(),
        }
    }

    /// Adds a rule for `code` with `subcode` (or any subcode when `None`),
    /// checked before the built-in table. An exact subcode rule wins over
    /// an any-subcode rule.
    pub fn with_rule(
        mut self,
        code: i64,
        subcode: Option<i64>,
        classification: Classification,
    ) -> GraphProtocol {
        self.rules.push(Rule {
            code,
            subcode,
            classification,
        });
        self
    }

    /// Returns how `code` and `subcode` are classified, when the rules or the
    /// built-in table know them.
    pub fn classify(&self, code: i64, subcode: Option<i64>) -> Option<Classification> {
        let exact = self
            .rules
            .iter()
            .find(|r| r.code == code && r.subcode.is_some() && r.subcode == subcode);
        let any = || {
            self.rules
                .iter()
                .find(|r| r.code == code && r.subcode.is_none())
        };
        exact
            .or_else(any)
            .map(|r| r.classification)
            .or_else(|| builtin(code, subcode))
    }

    fn graph_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &Value,
        details: GraphErrorDetails,
    ) -> ApiError {
        let found = details
            .code
            .and_then(|code| self.classify(code, details.subcode));
        let kind = found.map_or_else(|| default_kind(status), |c| c.kind);
        let raw = details
            .message
            .as_deref()
            .map(redact_tokens)
            .unwrap_or_default();
        let message = match (found.and_then(|c| c.hint), raw.is_empty()) {
            (Some(hint), false) => format!("{hint} (Graph message: {raw})"),
            (Some(hint), true) => hint.to_owned(),
            (None, _) => raw,
        };

        let mut kept = body.clone();
        redact_value(&mut kept);
        let mut error = ApiError::new(self.platform, kind, message)
            .with_status(status)
            .with_request_id(details.fbtrace_id.clone())
            .with_user_text(details.user_title.clone(), details.user_message.clone())
            .with_body(kept);
        if let Some(code) = details.code {
            error = error.with_code(code.to_string());
        }
        if let Some(subcode) = details.subcode {
            error = error.with_subcode(subcode.to_string());
        }

        let transient = found.and_then(|c| c.transient).or_else(|| {
            let may_be_transient = !matches!(
                kind,
                ErrorKind::InvalidToken | ErrorKind::PermissionDenied | ErrorKind::Duplicate
            );
            (may_be_transient && details.is_transient == Some(true)).then_some(true)
        });
        if let Some(transient) = transient {
            error = error.with_transient(transient);
        }
        if kind == ErrorKind::RateLimited {
            let wait = usage::regain_access_wait(headers).or(found.and_then(|c| c.min_wait));
            error = error.with_retry_after(wait);
        }
        error
    }

    /// The rupload host's envelope:
    /// `{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"..."}}`,
    /// whose `message` may itself be a JSON document.
    fn rupload_error(&self, status: StatusCode, info: &serde_json::Map<String, Value>) -> ApiError {
        let retriable = info.get("retriable").and_then(Value::as_bool);
        let error_type = info
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("UploadError");
        let raw = info
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let inner = serde_json::from_str::<Value>(raw).ok();
        let message = inner
            .as_ref()
            .and_then(|v| v.pointer("/error/message"))
            .and_then(Value::as_str)
            .unwrap_or(raw);
        let kind = if retriable == Some(true) {
            ErrorKind::ServerError
        } else {
            default_kind(status)
        };
        let mut error = ApiError::new(self.platform, kind, redact_tokens(message))
            .with_status(status)
            .with_code(error_type);
        if let Some(retriable) = retriable {
            error = error.with_transient(retriable);
        }
        error
    }

    /// Bodies such as `{"error_type":"OAuthException","code":400,"error_message":"..."}`
    /// (Instagram's OAuth host) or `{"error":"...","error_description":"..."}`.
    fn flat_error(&self, status: StatusCode, body: &Value) -> Option<ApiError> {
        let message = body
            .get("error_message")
            .or_else(|| body.get("error_description"))
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)?;
        let mut error = ApiError::new(self.platform, default_kind(status), redact_tokens(message))
            .with_status(status);
        if let Some(code) = body.get("code").and_then(integer) {
            error = error.with_code(code.to_string());
        }
        Some(error)
    }
}

impl ApiProtocol for GraphProtocol {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn parse_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &Value,
    ) -> Option<ApiError> {
        if let Some(details) = GraphErrorDetails::from_body(body) {
            return Some(self.graph_error(status, headers, body, details));
        }
        if let Some(info) = body.get("debug_info").and_then(Value::as_object) {
            return Some(self.rupload_error(status, info));
        }
        let is_flat_error =
            body.get("error_message").is_some() || body.get("error").is_some_and(Value::is_string);
        if is_flat_error {
            return self.flat_error(status, body);
        }
        None
    }

    fn rate_limits(&self, headers: &HeaderMap, now: SystemTime) -> Vec<RateLimit> {
        usage::rate_limits(headers, now)
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get(TRACE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// Returns the kind of an error whose code is not in any table. An `error`
/// object in a 2xx response is still a rejection of the request.
fn default_kind(status: StatusCode) -> ErrorKind {
    if status.is_success() {
        ErrorKind::InvalidRequest
    } else {
        ErrorKind::from_status(status)
    }
}

const TOKEN_HINT_GENERIC: &str = "the access token is expired, revoked or invalid, so the user must log in again to get a new one";
const DUPLICATE_HINT: &str = "the post was rejected as a duplicate of an earlier one; \
     check whether the earlier post exists before sending it again";

/// Returns the built-in Graph code table.
fn builtin(code: i64, subcode: Option<i64>) -> Option<Classification> {
    use ErrorKind::*;
    let class = match (code, subcode) {
        (190 | 102, _) => Classification::new(InvalidToken)
            .transient(false)
            .hint(token_hint(subcode)),
        (368, Some(1_390_008)) => Classification::new(RateLimited)
            .min_wait(POLICY_BLOCK_MIN_WAIT)
            .hint("the account is temporarily blocked from posting because it posted too fast; wait before posting again"),
        // NOTE: Meta's notes give no subcode for "You've already posted this";
        // the duplicate response seen in practice is 368 without a subcode, so
        // that pair is read as a duplicate. Any other 368 is a policy block.
        (368, None) => Classification::new(Duplicate).hint(DUPLICATE_HINT),
        (368, Some(_)) => Classification::new(RateLimited)
            .min_wait(POLICY_BLOCK_MIN_WAIT)
            .hint("the account is temporarily blocked for a policy violation; wait before trying again"),
        (506, _) => Classification::new(Duplicate).hint(DUPLICATE_HINT),
        // NOTE: 1366051 ("photos already posted") is one client's reading,
        // not an official table entry.
        (_, Some(1_366_051)) => Classification::new(Duplicate).hint(DUPLICATE_HINT),
        (4 | 17 | 32 | 341 | 613 | 80_000..=80_014, _) => {
            Classification::new(RateLimited).min_wait(THROTTLE_MIN_WAIT)
        }
        (1 | 2, _) => Classification::new(ServerError).transient(true),
        // NOTE: "service temporarily unavailable" per one client, not official.
        (_, Some(1_363_047 | 1_609_010)) => Classification::new(ServerError).transient(true),
        (3 | 10 | 200..=299, _) => Classification::new(PermissionDenied)
            .hint("the token lacks a permission this call needs; grant it and authorize again"),
        (100, Some(33)) => Classification::new(NotFound),
        // Video upload errors: the chunked flow handles 1363037 and 1363030
        // itself, so the executor must not repeat the request first.
        (_, Some(1_363_037)) => Classification::new(ServerError)
            .transient(false)
            .hint("a video chunk failed to upload; send it again from error_data.start_offset"),
        (_, Some(1_363_030)) => Classification::new(ServerError)
            .transient(false)
            .hint("the video upload session timed out; start a new session"),
        (_, Some(1_363_045)) => Classification::new(InvalidRequest).hint(
            "the file_size declared when the upload started does not match the bytes sent; \
             check that the file did not change, then start a new upload",
        ),
        _ => return None,
    };
    Some(class)
}

/// Explains a code 190 (or 102) subcode and what the user must do.
fn token_hint(subcode: Option<i64>) -> &'static str {
    match subcode {
        Some(458) => "the user removed the app, so they must authorize it again",
        Some(459) => {
            "the user's account is checkpointed: the user must log in on the website and fix it, \
             then authorize again"
        }
        Some(460) => {
            "the session was invalidated, for example because the user changed their password, \
             so the user must log in again"
        }
        Some(463) => "the access token expired and must be renewed: the user must log in again",
        Some(464) => {
            "the user's account is unconfirmed: the user must log in on the website and confirm it"
        }
        Some(467) => {
            "the access token is invalid because the user logged out or revoked it, \
             so the user must log in again"
        }
        Some(492) => {
            "the user behind the Page token has no suitable role on the Page: \
             give them a Page role, then reconnect"
        }
        _ => TOKEN_HINT_GENERIC,
    }
}

#[cfg(test)]
mod tests;
