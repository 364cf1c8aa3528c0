//! TikTok's error bodies and their mapping onto [`ErrorKind`].
//!
//! Every Content Posting API response is an envelope
//! `{"data":{…},"error":{"code":"ok","message":"","log_id":"…"}}`. A call
//! succeeded only when `error.code` is `"ok"`, whatever the HTTP status:
//! the creator info query returns its cap errors with HTTP 200 on purpose.
//! The OAuth token endpoint uses another shape,
//! `{"error":"invalid_grant","error_description":"…","log_id":"…"}`, which
//! is read here too.

use http::{HeaderMap, StatusCode};
use social_core::{ApiError, ApiProtocol, ErrorKind, Platform};

/// The code TikTok puts in `error.code` on success.
pub const OK_CODE: &str = "ok";

/// The [`ApiProtocol`] of TikTok's hosts.
///
/// Responses of the API host are read by their envelope. Responses of the
/// upload host (the `upload_url` an init call returns) are read by status:
/// the transfer handles 206, 201 and 416 itself, so their bodies are never
/// taken as errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TikTokProtocol {
    upload_host: bool,
}

impl TikTokProtocol {
    /// Returns the protocol of `open.tiktokapis.com` and its OAuth token endpoint.
    pub fn api() -> TikTokProtocol {
        TikTokProtocol { upload_host: false }
    }

    /// Returns the protocol of the upload host that chunk `PUT`s go to.
    pub fn upload() -> TikTokProtocol {
        TikTokProtocol { upload_host: true }
    }
}

impl ApiProtocol for TikTokProtocol {
    fn platform(&self) -> Platform {
        Platform::TikTok
    }

    fn parse_error(
        &self,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError> {
        if self.upload_host && (status.is_success() || status == StatusCode::RANGE_NOT_SATISFIABLE)
        {
            return None;
        }
        parse_error_body(status, body)
    }
}

/// Returns the error in a TikTok response body, or `None` when the body
/// reports success or carries no `error` member at all.
///
/// An envelope whose `error` object has no `code` is an error too, because
/// only `"ok"` means success.
pub fn parse_error_body(status: StatusCode, body: &serde_json::Value) -> Option<ApiError> {
    match body.get("error")? {
        serde_json::Value::Object(error) => {
            let code = error.get("code").and_then(|c| c.as_str());
            if code == Some(OK_CODE) {
                return None;
            }
            let message = error
                .get("message")
                .and_then(|m| m.as_str())
                .unwrap_or_default();
            let log_id = log_id(error.get("log_id").or_else(|| error.get("logid")));
            Some(api_error(status, code, message, log_id))
        }
        serde_json::Value::String(code) if !code.is_empty() => {
            // The OAuth token endpoint's shape: the code is the string itself.
            let message = body
                .get("error_description")
                .and_then(|m| m.as_str())
                .unwrap_or_default();
            let log_id = log_id(body.get("log_id").or_else(|| body.get("logid")));
            Some(api_error(status, Some(code), message, log_id))
        }
        _ => None,
    }
}

fn log_id(value: Option<&serde_json::Value>) -> Option<String> {
    value
        .and_then(|v| v.as_str())
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

fn api_error(
    status: StatusCode,
    code: Option<&str>,
    message: &str,
    log_id: Option<String>,
) -> ApiError {
    let Some(code) = code else {
        let kind = kind_from_status(status);
        let text = join_message(message, "the response has an error object without a code");
        return ApiError::new(Platform::TikTok, kind, text)
            .with_status(status)
            .with_request_id(log_id);
    };
    let mapping = map_code(code, status);
    let text = match mapping.hint {
        Some(hint) => join_message(message, hint),
        None if message.is_empty() => code.to_owned(),
        None => message.to_owned(),
    };
    let mut error = ApiError::new(Platform::TikTok, mapping.kind, text)
        .with_status(status)
        .with_code(code)
        .with_request_id(log_id);
    if let Some(transient) = mapping.transient {
        error = error.with_transient(transient);
    }
    error
}

fn join_message(message: &str, hint: &str) -> String {
    if message.is_empty() {
        hint.to_owned()
    } else {
        format!("{message} ({hint})")
    }
}

/// The meaning of one TikTok error code to the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeMapping {
    /// The platform-independent kind.
    pub kind: ErrorKind,
    /// Whether a later attempt can succeed, when the code settles it.
    pub transient: Option<bool>,
    /// Advice for the caller, appended to TikTok's message.
    pub hint: Option<&'static str>,
}

const fn mapping(kind: ErrorKind, transient: Option<bool>, hint: &'static str) -> CodeMapping {
    CodeMapping {
        kind,
        transient,
        hint: Some(hint),
    }
}

/// Maps a TikTok error code onto an [`ErrorKind`], with a hint for the caller.
///
/// Codes TikTok may add later get the kind their HTTP status implies.
pub fn map_code(code: &str, status: StatusCode) -> CodeMapping {
    use ErrorKind::*;
    match code {
        "access_token_invalid" => mapping(
            InvalidToken,
            Some(false),
            "the access token is invalid or expired; refresh it or ask the user to authorize again",
        ),
        "scope_not_authorized" | "scope_permission_missed" => mapping(
            PermissionDenied,
            Some(false),
            "the user did not grant the scope this call needs: video.publish for direct posts \
             and creator info, video.upload for inbox uploads",
        ),
        "rate_limit_exceeded" => mapping(
            RateLimited,
            Some(true),
            "TikTok's per-token rate limit for this endpoint was reached",
        ),
        "spam_risk_too_many_posts" => mapping(
            QuotaExceeded,
            Some(false),
            "the user reached TikTok's cap on API posts in 24 hours; retrying today will not help",
        ),
        "spam_risk_too_many_pending_share" => mapping(
            QuotaExceeded,
            Some(false),
            "the user has reached TikTok's cap of 5 pending inbox shares in 24 hours; they must \
             finish or discard them in the TikTok app, or wait",
        ),
        "reached_active_user_cap" => mapping(
            QuotaExceeded,
            Some(false),
            "the app reached its daily cap of users who may post through it (5 users in 24 hours \
             until the app passes TikTok's audit); retrying today will not help",
        ),
        "spam_risk_user_banned_from_posting" => mapping(
            AccountNotEligible,
            Some(false),
            "TikTok has banned this user from posting",
        ),
        "unaudited_client_can_only_post_to_private_accounts" => mapping(
            AccountNotEligible,
            Some(false),
            "this app has not passed TikTok's audit, so TikTok accepts its posts only from private \
             accounts: make the TikTok account itself private in the TikTok app (the post's \
             privacy_level does not change this), or get the app audited",
        ),
        "privacy_level_option_mismatch" => mapping(
            InvalidRequest,
            Some(false),
            "set privacy_level to one of the privacy_level_options the creator info query returns",
        ),
        "url_ownership_unverified" => mapping(
            InvalidRequest,
            Some(false),
            "verify the URL's domain or URL prefix for this app in the TikTok developer portal; \
             media URLs must sit on a verified domain or start with a verified prefix",
        ),
        "invalid_param" | "invalid_params" | "invalid_file_upload" => mapping(
            InvalidRequest,
            Some(false),
            "TikTok rejected a parameter of the request",
        ),
        "app_version_check_failed" => mapping(
            InvalidRequest,
            Some(false),
            "MEDIA_UPLOAD needs TikTok app version 31.8 or later on the user's phone",
        ),
        "invalid_publish_id" => mapping(
            NotFound,
            Some(false),
            "TikTok knows no post with this publish id",
        ),
        "token_not_authorized_for_specified_publish_id" => mapping(
            PermissionDenied,
            Some(false),
            "this publish id belongs to another user or app",
        ),
        "publish_not_cancellable" => mapping(
            InvalidRequest,
            Some(false),
            "the post is already final or too far along to cancel",
        ),
        "internal_error" => mapping(
            ServerError,
            Some(true),
            "TikTok failed on its side; try again later",
        ),
        _ => CodeMapping {
            kind: kind_from_status(status),
            transient: None,
            hint: None,
        },
    }
}

/// Returns the kind a status implies, and `Other` for a 2xx with an unknown
/// error code.
fn kind_from_status(status: StatusCode) -> ErrorKind {
    if status.is_success() {
        ErrorKind::Other
    } else {
        ErrorKind::from_status(status)
    }
}

#[cfg(test)]
mod tests;
