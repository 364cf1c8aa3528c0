//! Reading a response: status and content type first, then the body, and only
//! then JSON decoding.
//!
//! [`classify`] turns status, headers and body into either a usable
//! [`Response`] or the right [`Error`]. A JSON error object is the
//! platform's documented error whatever the status. HTML pages, plain text,
//! empty bodies and truncated JSON become an [`UnexpectedResponse`]. Nothing here panics on what the network sends.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{
    ApiError, Error, ErrorKind, Platform, Result, UnexpectedBody, UnexpectedResponse,
};
use crate::rate_limit::RateLimit;
use crate::retry::parse_retry_after;

/// A platform's rules for the shared response reader: its error body, rate-limit headers, request id and retry hints.
pub trait ApiProtocol: Debug + Send + Sync {
    /// Returns the platform, used in every error message.
    fn platform(&self) -> Platform;

    /// Returns the platform's error when `body` is one, whatever `status` is.
    ///
    /// Return `None` for a success body. A non-success status with a body this
    /// returns `None` for becomes a generic [`ApiError`] with the kind the
    /// status implies.
    fn parse_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Option<ApiError>;

    /// Reads the rate-limit windows from the headers.
    fn rate_limits(&self, _headers: &HeaderMap, _now: SystemTime) -> Vec<RateLimit> {
        Vec::new()
    }

    /// Reads the request id from the headers.
    fn request_id(&self, _headers: &HeaderMap) -> Option<String> {
        None
    }

    /// Returns how long to wait before retrying. The default reads
    /// `Retry-After`; platforms with their own reset headers extend it.
    fn retry_after(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        rate_limits: &[RateLimit],
        now: SystemTime,
    ) -> Option<Duration> {
        let _ = (status, rate_limits);
        parse_retry_after(headers, now)
    }
}

/// A response that passed classification.
#[derive(Debug, Clone)]
pub struct Response {
    platform: Platform,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    json: Option<serde_json::Value>,
    request_id: Option<String>,
    rate_limits: Vec<RateLimit>,
}

impl Response {
    /// Returns the HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Returns the response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Returns a header as text, when present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Returns the raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Returns the platform's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Returns the rate-limit windows the response reported.
    pub fn rate_limits(&self) -> &[RateLimit] {
        &self.rate_limits
    }

    /// Tells whether the body was empty.
    pub fn is_empty(&self) -> bool {
        self.json.is_none()
    }

    /// Returns the parsed JSON body, or an [`UnexpectedResponse`] when there was none.
    pub fn json_value(&self) -> Result<&serde_json::Value> {
        self.json.as_ref().ok_or_else(|| {
            self.unexpected(UnexpectedBody::Empty, "a JSON body was expected")
                .into()
        })
    }

    /// Decodes the JSON body into `T`.
    ///
    /// A missing field or a field of the wrong type is an
    /// [`UnexpectedResponse`] that names the field, never a silent default.
    /// Values from the body are left out of the message, because token
    /// responses carry secrets.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let value = self.json_value()?;
        T::deserialize(value).map_err(|e| {
            self.unexpected(
                UnexpectedBody::MissingField,
                redact_serde_message(&e.to_string()),
            )
            .into()
        })
    }

    /// Builds an [`UnexpectedResponse`] about this response, for SDK checks
    /// that go beyond decoding (a missing header, say).
    pub fn unexpected(
        &self,
        body_kind: UnexpectedBody,
        detail: impl Into<String>,
    ) -> UnexpectedResponse {
        UnexpectedResponse::new(self.platform, body_kind, Some(self.status), detail)
            .with_content_type(content_type(&self.headers))
            .with_request_id(self.request_id.clone())
            .with_rate_limits(self.rate_limits.clone())
    }
}

/// The result of reading a response body, for [`classify`].
#[derive(Debug)]
pub enum BodyRead {
    /// The whole body arrived.
    Complete(Bytes),
    /// The connection ended early or the compressed body was broken.
    Incomplete(String),
}

/// Classifies a response. `accepted` lists non-2xx statuses the caller
/// handles itself (YouTube's 308 Resume Incomplete, say).
pub fn classify(
    protocol: &dyn ApiProtocol,
    status: StatusCode,
    headers: HeaderMap,
    body: BodyRead,
    accepted: &[StatusCode],
    now: SystemTime,
) -> Result<Response> {
    let platform = protocol.platform();
    let request_id = protocol.request_id(&headers);
    let rate_limits = protocol.rate_limits(&headers, now);
    let retry_after = protocol.retry_after(status, &headers, &rate_limits, now);
    let success = status.is_success() || accepted.contains(&status);
    let unexpected = |body_kind: UnexpectedBody, snippet: String| -> Error {
        UnexpectedResponse::new(platform, body_kind, Some(status), snippet)
            .with_content_type(content_type(&headers))
            .with_request_id(request_id.clone())
            .with_retry_after(retry_after)
            .with_rate_limits(rate_limits.clone())
            .into()
    };

    let body = match body {
        BodyRead::Complete(body) => strip_bom(body),
        BodyRead::Incomplete(detail) => return Err(unexpected(UnexpectedBody::Incomplete, detail)),
    };

    let mut json = None;
    match sniff(&headers, &body) {
        Sniffed::Empty if success => {}
        Sniffed::Empty => return Err(unexpected(UnexpectedBody::Empty, String::new())),
        Sniffed::Html => return Err(unexpected(UnexpectedBody::HtmlPage, html_title(&body))),
        Sniffed::Text => {
            let text = String::from_utf8_lossy(&body).into_owned();
            return Err(unexpected(UnexpectedBody::Text, text));
        }
        Sniffed::Json => match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(value) => json = Some(value),
            Err(e) => return Err(unexpected(UnexpectedBody::InvalidJson, e.to_string())),
        },
    }

    if let Some(value) = &json
        && let Some(api) = protocol.parse_error(status, &headers, value)
    {
        let api = complete_api_error(api, status, request_id, retry_after, rate_limits);
        return Err(api.into());
    }

    if !success {
        let message = json
            .as_ref()
            .and_then(generic_message)
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        let api = ApiError::new(platform, ErrorKind::from_status(status), message);
        return Err(complete_api_error(api, status, request_id, retry_after, rate_limits).into());
    }

    Ok(Response {
        platform,
        status,
        headers,
        body,
        json,
        request_id,
        rate_limits,
    })
}

fn complete_api_error(
    api: ApiError,
    status: StatusCode,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    rate_limits: Vec<RateLimit>,
) -> ApiError {
    let api = if api.status().is_none() {
        api.with_status(status)
    } else {
        api
    };
    let api = if api.rate_limits().is_empty() {
        api.with_rate_limits(rate_limits)
    } else {
        api
    };
    // A wait the SDK's parser read from the body is more specific than the
    // headers' generic hint, so it is kept.
    let api = if api.retry_after().is_none() {
        api.with_retry_after(retry_after)
    } else {
        api
    };
    api.with_request_id(request_id)
}

/// Reads a message from a JSON body no SDK parser claimed: `message`,
/// `detail`, `error_description` or a string `error`.
fn generic_message(value: &serde_json::Value) -> Option<String> {
    ["message", "detail", "error_description", "error", "title"]
        .iter()
        .find_map(|key| value.get(key).and_then(|v| v.as_str()))
        .map(str::to_owned)
}

/// Drops a UTF-8 byte order mark, which some servers put before JSON.
fn strip_bom(body: Bytes) -> Bytes {
    if body.starts_with(b"\xEF\xBB\xBF") {
        body.slice(3..)
    } else {
        body
    }
}

enum Sniffed {
    Empty,
    Json,
    Html,
    Text,
}

fn sniff(headers: &HeaderMap, body: &[u8]) -> Sniffed {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Sniffed::Empty;
    };
    let first = body[start];
    let declared = content_type(headers)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if declared.contains("html") || first == b'<' {
        return Sniffed::Html;
    }
    if declared.contains("json") || first == b'{' || first == b'[' {
        return Sniffed::Json;
    }
    Sniffed::Text
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Returns an HTML page's `<title>` and first `<h1>` joined by ": " (either
/// alone when the other is missing or the same), else its first visible
/// text, with tags removed and common entities decoded.
pub fn html_title(body: &[u8]) -> String {
    let page = String::from_utf8_lossy(body);
    let lower = page.to_ascii_lowercase();
    let text_of = |tag: &str| {
        element_text(&page, &lower, tag)
            .map(|text| collapse(&decode_entities(&strip_tags(text))))
            .filter(|text| !text.is_empty())
    };
    match (text_of("title"), text_of("h1")) {
        (Some(title), Some(h1)) if title != h1 => return format!("{title}: {h1}"),
        (Some(title), _) => return title,
        (None, Some(h1)) => return h1,
        (None, None) => {}
    }
    let body_start = lower.find("<body").unwrap_or(0);
    let text = collapse(&decode_entities(&strip_tags(&page[body_start..])));
    text.chars().take(200).collect()
}

fn element_text<'a>(page: &'a str, lower: &str, tag: &str) -> Option<&'a str> {
    let open = lower.find(&format!("<{tag}"))?;
    let content_start = open + lower[open..].find('>')? + 1;
    let close = lower[content_start..].find(&format!("</{tag}"))? + content_start;
    page.get(content_start..close)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps serde's description of what is wrong but drops quoted values, which
/// may be tokens.
fn redact_serde_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' if !quoted => {
                quoted = true;
                out.push_str("\"…");
            }
            '"' => {
                quoted = false;
                out.push('"');
            }
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
