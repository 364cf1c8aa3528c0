//! The raw fields of a Graph error envelope
//! `{"error":{"message","type","code","error_subcode","error_user_title",
//! "error_user_msg","is_transient","error_data","fbtrace_id"}}`.

use serde_json::Value;
use social_core::ApiError;

/// The fields of a Graph `error` object, as the platform sent them.
///
/// Read them back from an error with [`GraphErrorDetails::from_api`]: the
/// Graph protocol keeps the whole body on every [`ApiError`] it builds, so
/// callers can reach fields such as `error_data` that have no accessor on
/// `ApiError` itself. Access tokens echoed in any text are already redacted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphErrorDetails {
    /// Text for developers, often starting with `(#<code>)`; translated into
    /// the request's language, so never match on it.
    pub message: Option<String>,
    /// `type`, usually `OAuthException` even for errors unrelated to auth.
    pub error_type: Option<String>,
    /// `code`, the main key for classification.
    pub code: Option<i64>,
    /// `error_subcode`.
    pub subcode: Option<i64>,
    /// `error_user_title`, for display to end users (translated).
    pub user_title: Option<String>,
    /// `error_user_msg`, for display to end users (translated).
    pub user_message: Option<String>,
    /// `is_transient`, the platform's hint that a retry may succeed.
    pub is_transient: Option<bool>,
    /// `error_data`, such as chunk offsets after a failed video transfer.
    pub error_data: Option<Value>,
    /// `fbtrace_id`, the id to quote to Meta support.
    pub fbtrace_id: Option<String>,
}

impl GraphErrorDetails {
    /// Reads the `error` object of a Graph response body; `None` when the
    /// body has no `error` object.
    pub fn from_body(body: &Value) -> Option<GraphErrorDetails> {
        let error = body.get("error")?.as_object()?;
        let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(GraphErrorDetails {
            message: text("message"),
            error_type: text("type"),
            code: error.get("code").and_then(integer),
            subcode: error.get("error_subcode").and_then(integer),
            user_title: text("error_user_title"),
            user_message: text("error_user_msg"),
            is_transient: error.get("is_transient").and_then(boolean),
            error_data: error.get("error_data").cloned().map(parse_embedded_json),
            fbtrace_id: text("fbtrace_id"),
        })
    }

    /// Reads the details kept on an error built by
    /// [`GraphProtocol`](super::GraphProtocol).
    pub fn from_api(error: &ApiError) -> Option<GraphErrorDetails> {
        error.body().and_then(GraphErrorDetails::from_body)
    }

    /// Reads a field of `error_data` as a non-negative integer, whether it was
    /// sent as a number or as a string.
    pub fn error_data_u64(&self, field: &str) -> Option<u64> {
        let value = self.error_data.as_ref()?.get(field)?;
        super::ids::u64_from_value(value)
    }
}

/// Reads an integer sent as a JSON number or a decimal string.
pub(crate) fn integer(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn boolean(value: &Value) -> Option<bool> {
    value.as_bool().or_else(|| match value.as_str() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    })
}

/// Some endpoints send `error_data` as a JSON document inside a string.
fn parse_embedded_json(value: Value) -> Value {
    match &value {
        Value::String(text) if text.trim_start().starts_with('{') => {
            serde_json::from_str(text).unwrap_or(value)
        }
        _ => value,
    }
}

/// Replaces the values of token-bearing parameters echoed in `text`
/// (`access_token=...`, `input_token=...` and kin) with `[redacted]`.
pub(crate) fn redact_tokens(text: &str) -> String {
    const KEYS: [&str; 5] = [
        "access_token=",
        "input_token=",
        "fb_exchange_token=",
        "client_secret=",
        "appsecret_proof=",
    ];
    let mut out = text.to_owned();
    for key in KEYS {
        let mut search_from = 0;
        while let Some(found) = out[search_from..].find(key) {
            let value_start = search_from + found + key.len();
            let value_end = out[value_start..]
                .find(|c: char| c == '&' || c == '"' || c == '\'' || c.is_whitespace())
                .map_or(out.len(), |end| value_start + end);
            out.replace_range(value_start..value_end, "[redacted]");
            search_from = value_start + "[redacted]".len();
        }
    }
    out
}

/// Redacts every string inside a JSON value.
pub(crate) fn redact_value(value: &mut Value) {
    match value {
        Value::String(text) => *text = redact_tokens(text),
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::Object(map) => map.values_mut().for_each(redact_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn details_read_all_fields() {
        let body = json!({"error": {
            "message": "(#4) Application request limit reached", "type": "OAuthException",
            "code": 4, "error_subcode": "2446079", "is_transient": true,
            "error_user_title": "t", "error_user_msg": "m",
            "error_data": {"start_offset": "1048576", "end_offset": 2097152},
            "fbtrace_id": "TRACE"}});

        let details = GraphErrorDetails::from_body(&body).expect("error object");

        assert_eq!(details.code, Some(4));
        assert_eq!(details.subcode, Some(2_446_079));
        assert_eq!(details.is_transient, Some(true));
        assert_eq!(details.fbtrace_id.as_deref(), Some("TRACE"));
        assert_eq!(details.error_data_u64("start_offset"), Some(1_048_576));
        assert_eq!(details.error_data_u64("end_offset"), Some(2_097_152));
    }

    #[test]
    fn error_data_as_string_parsed() {
        let body = json!({"error": {"code": 6001, "error_data": "{\"start_offset\":5}"}});

        let details = GraphErrorDetails::from_body(&body).expect("error object");

        assert_eq!(details.error_data_u64("start_offset"), Some(5));
    }

    #[test]
    fn body_without_error_object_ignored() {
        assert!(GraphErrorDetails::from_body(&json!({"id": "1"})).is_none());
        assert!(GraphErrorDetails::from_body(&json!({"error": "text"})).is_none());
    }

    #[test]
    fn echoed_tokens_redacted() {
        let text = "Invalid parameter access_token=EAAB123&x=1 and input_token=abc";

        let redacted = redact_tokens(text);

        assert_eq!(
            redacted,
            "Invalid parameter access_token=[redacted]&x=1 and input_token=[redacted]"
        );
    }
}
